// The sampler registry: one line per component.
#include "siamese/sample/balanced_pairs.h"
#include "siamese/sample/caffe_pairs.h"
#include "siamese/sample/explicit_tuples.h"
#include "siamese/sample/m_per_class.h"
#include "siamese/sample/neighbour_graph.h"
#include "siamese/sample/triplets.h"

namespace siamese {

const SamplerRegistry& sampler_registry() {
  static const SamplerRegistry registry = [] {
    SamplerRegistry r("sampler");
    r.add(caffe_pairs_entry());
    r.add(balanced_pairs_entry());
    r.add(m_per_class_entry());
    r.add(neighbour_graph_entry());
    r.add(triplets_entry());
    r.add(graded_triplets_entry());
    r.add(pairs_file_entry());
    r.add(triplets_file_entry());
    return r;
  }();
  return registry;
}

}  // namespace siamese
