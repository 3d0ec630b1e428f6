// hard_pairs: "fracking" hard mining of pairs (Simo-Serra et al., arXiv 1412.6537 / ICCV 2015; docs/methods.md §7.2).
//
// From the batch's pairs i < j: score r_p · s_p positive and r_n · s_n negative candidates and keep the s_p
// positives and s_n negatives with the largest loss. Every pair loss of this project grows with the
// distance of a positive and shrinks with the distance of a negative (hinges included, which only clamp
// at zero), so "largest loss" = the largest-distance positives and the smallest-distance negatives; the
// miner ranks by distance and needs no loss. With s_p = 0 (default) the candidates are all positives of
// the batch and s_p = ceil(P / r_p) of them are kept (likewise negatives), which is fracking with the batch
// as the sampled pool. With s_p > 0 and more than r_p · s_p positives in the batch, the r_p · s_p
// candidates are a random subset drawn from a hash of the batch (a pure function of the batch).
// r_p = r_n = 1 keeps everything (the no-mining baseline). Ensures: at most s_p positives and s_n
// negatives, all valid pairs (i < j); ties in distance go to the smaller pair index.
#pragma once

#include "siamese/mine/miner.h"

namespace siamese {

// Each field is a recipe key of [miner] hard_pairs (bound in hard_pairs.cpp, core/options.h).
struct HardPairsOptions {
  int64_t r_p = 8, r_n = 8;              // mining ratios
  int64_t positives = 0, negatives = 0;  // s_p, s_n kept per batch (0 = candidates / r)
};

class HardPairsMiner : public Miner {
 public:
  explicit HardPairsMiner(HardPairsOptions o) : o_(o) {}
  Mined mine(const torch::Tensor& embeddings, const torch::Tensor& labels, const Distance& dist) const override;

 private:
  HardPairsOptions o_;
};

MinerRegistry::Entry hard_pairs_entry();

}  // namespace siamese
