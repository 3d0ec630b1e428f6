// The miner registry: one line per component.
#include "siamese/mine/all_tuples.h"
#include "siamese/mine/hard_pairs.h"
#include "siamese/mine/triplet_miners.h"

namespace siamese {

const MinerRegistry& miner_registry() {
  static const MinerRegistry registry = [] {
    MinerRegistry r("miner");
    r.add(all_pairs_entry());
    r.add(all_triplets_entry());
    r.add(hard_pairs_entry());
    r.add(semi_hard_entry());
    r.add(batch_hard_entry());
    return r;
  }();
  return registry;
}

}  // namespace siamese
