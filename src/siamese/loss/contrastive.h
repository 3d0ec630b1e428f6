// Contrastive losses on pairs (unsquared distance d, by default Euclidean).
//
// contrastive (Hadsell, Chopra, LeCun, "Dimensionality Reduction by Learning an Invariant Mapping",
// CVPR 2006 — DrLIM), paper convention Y = 0 similar, Y = 1 dissimilar:
//     L = (1 - Y) · ½ d²  +  Y · ½ max(0, m - d)²
// contrastive_legacy (Caffe's ContrastiveLoss layer as of 2014, legacy_version: true), convention
// sim = 1 similar:
//     L = sim · ½ d²  +  (1 - sim) · ½ max(0, m - d²)        (margin on d², not squared afterwards)
// With the default "mean" reducer both equal Caffe's E = 1/(2N) Σ [...] exactly.
// Internally pairs carry `same` (true = similar); the paper's Y is !same and Caffe's sim is same.
// Requires: pairs; ensures: a finite gradient at d = 0 (the distance adds eps under the square root).
#pragma once

#include "siamese/loss/pair_loss.h"

namespace siamese {

class ContrastiveLoss : public PairLoss {
 public:
  // distance: null = Euclidean; a similarity is a ConfigError.
  ContrastiveLoss(double margin, bool legacy, const std::string& reducer, std::shared_ptr<Distance> distance);
  torch::Tensor pair_terms(const torch::Tensor& d, const torch::Tensor& same) const override;

 private:
  double margin_;
  bool legacy_;
};

LossRegistry::Entry contrastive_entry();
LossRegistry::Entry contrastive_legacy_entry();

}  // namespace siamese
