// The distance registry: one line per component.
#include "siamese/distance/euclidean.h"
#include "siamese/distance/mahalanobis.h"
#include "siamese/distance/manhattan.h"
#include "siamese/distance/weighted_chi2.h"
#include "siamese/distance/weighted_l1.h"

namespace siamese {

const DistanceRegistry& distance_registry() {
  static const DistanceRegistry registry = [] {
    DistanceRegistry r("distance");
    r.add(euclidean_entry());
    r.add(squared_euclidean_entry());
    r.add(cosine_entry());
    r.add(manhattan_entry());
    r.add(mahalanobis_entry());
    r.add(weighted_chi2_entry());
    r.add(weighted_l1_entry());
    return r;
  }();
  return registry;
}

std::shared_ptr<Distance> make_distance(const std::string& name, int64_t dim,
                                        const std::map<std::string, Value>& overrides) {
  auto d = distance_registry().create_with(name, overrides, dim);
  d->set_name(name);
  return d;
}

}  // namespace siamese
