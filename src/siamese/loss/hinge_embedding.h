// Hinge-embedding loss, Simo-Serra et al., "Fracking Deep Convolutional Image Descriptors", arXiv 1412.6537
// (ICCV 2015 "Discriminative Learning of Deep Convolutional Feature Point Descriptors"), docs/methods.md §7.1.
// Paper convention δ = 1 corresponding patches, 0 otherwise (internally `same` = δ):
//     l(x1, x2, δ) = δ · d  +  (1 - δ) · max(0, m - d)
// with d the UNSQUARED distance (the recipe's, by default Euclidean): positives are pulled with a constant
// force, negatives pushed only while closer than m. The paper's m is not known; its descriptor scale
// suggested m ≈ 4 (§7.1) — expose it. Requires: pairs; ensures a finite gradient at d = 0 (eps in the
// distance), though d itself has a kink there.
#pragma once

#include "siamese/loss/loss.h"

namespace siamese {

class HingeEmbeddingLoss : public Loss {
 public:
  HingeEmbeddingLoss(double margin, std::string reducer, std::shared_ptr<Distance> distance);
  torch::Tensor forward(const LossInput& in) override;
  TupleKind consumes() const override { return TupleKind::kPairs; }
  std::shared_ptr<Distance> distance() const override { return distance_; }
  torch::Tensor terms(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& same) const;

 private:
  double margin_;
  std::string reducer_;
  std::shared_ptr<Distance> distance_;
};

LossRegistry::Entry hinge_embedding_entry();

}  // namespace siamese
