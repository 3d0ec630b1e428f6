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

#include "siamese/loss/loss.h"

namespace siamese {

class ContrastiveLoss : public Loss {
 public:
  ContrastiveLoss(double margin, bool legacy, std::string reducer, std::shared_ptr<Distance> distance);
  torch::Tensor forward(const LossInput& in) override;
  TupleKind consumes() const override { return TupleKind::kPairs; }
  std::shared_ptr<Distance> distance() const override { return distance_; }
  // Per-pair terms (before the reducer), for tests and diagnostics.
  torch::Tensor terms(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& same) const;

 private:
  double margin_;
  bool legacy_;
  std::string reducer_;
  std::shared_ptr<Distance> distance_;
};

LossRegistry::Entry contrastive_entry();
LossRegistry::Entry contrastive_legacy_entry();

}  // namespace siamese
