// The branch registry: one line per component.
#include "siamese/model/lenet.h"
#include "siamese/model/mlp.h"

namespace siamese {

const BranchRegistry& branch_registry() {
  static const BranchRegistry registry = [] {
    BranchRegistry r("branch");
    r.add(lenet_entry());
    r.add(mlp_entry());
    return r;
  }();
  return registry;
}

}  // namespace siamese
