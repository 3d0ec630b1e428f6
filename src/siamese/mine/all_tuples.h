// all_pairs: every pair i < j of the batch, same = (y_i == y_j).
// all_triplets: every (a, p, n) with y_a == y_p, a != p, y_n != y_a (enumerated from O(B^2) masks).
#pragma once

#include "siamese/mine/miner.h"

namespace siamese {

class AllPairsMiner : public Miner {
 public:
  Mined mine(const torch::Tensor& embeddings, const torch::Tensor& labels, const Distance& dist) const override;
};

class AllTripletsMiner : public Miner {
 public:
  Mined mine(const torch::Tensor& embeddings, const torch::Tensor& labels, const Distance& dist) const override;
};

// All pairs i < j of labels [B] (no embeddings needed).
Pairs all_pairs(const torch::Tensor& labels);

MinerRegistry::Entry all_pairs_entry();
MinerRegistry::Entry all_triplets_entry();

}  // namespace siamese
