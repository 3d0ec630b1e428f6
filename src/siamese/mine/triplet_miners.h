// Triplet miners over a batch's [B, B] distance matrix (memory O(B^2); outputs at most one triplet per
// anchor-positive pair, so never O(B^3)).
//
// batch_hard (Hermans, Beyer & Leibe 2017, "In Defense of the Triplet Loss"): for every anchor a with a
// positive and a negative in the batch, one triplet (a, p*, n*) with p* = the farthest positive and n* =
// the closest negative.
//
// semi_hard (Schroff, Kalenichenko & Philbin 2015, FaceNet): for every positive pair (a, p), a != p, the
// negative n with d(a,p) < d(a,n) < d(a,p) + margin that is closest to a (the hardest of the semi-hard
// ones); pairs without such a negative give no triplet. margin = 0 drops the upper bound (any negative
// farther than the positive; TensorFlow's triplet_semihard_loss rule without its fallback).
// Found per anchor with a sorted row of negative distances and searchsorted: O(B^2 log B) time.
// Ties: the smaller row index wins (stable sorts).
#pragma once

#include "siamese/mine/miner.h"

namespace siamese {

class BatchHardMiner : public Miner {
 public:
  Mined mine(const torch::Tensor& embeddings, const torch::Tensor& labels, const Distance& dist) const override;
};

class SemiHardMiner : public Miner {
 public:
  explicit SemiHardMiner(double margin) : margin_(margin) {}
  Mined mine(const torch::Tensor& embeddings, const torch::Tensor& labels, const Distance& dist) const override;

 private:
  double margin_;
};

MinerRegistry::Entry batch_hard_entry();
MinerRegistry::Entry semi_hard_entry();

}  // namespace siamese
