// Hinge-embedding loss, Simo-Serra et al., "Fracking Deep Convolutional Image Descriptors", arXiv 1412.6537
// (ICCV 2015 "Discriminative Learning of Deep Convolutional Feature Point Descriptors"), docs/methods.md §7.1.
// Paper convention δ = 1 corresponding patches, 0 otherwise (internally `same` = δ):
//     l(x1, x2, δ) = δ · d  +  (1 - δ) · max(0, m - d)
// with d the UNSQUARED distance (the recipe's, by default Euclidean): positives are pulled with a constant
// force, negatives pushed only while closer than m. The paper's m is not known; its descriptor scale
// suggested m ≈ 4 (§7.1) — expose it. Requires: pairs; ensures a finite gradient at d = 0 (eps in the
// distance), though d itself has a kink there.
#pragma once

#include "siamese/loss/pair_loss.h"

namespace siamese {

class HingeEmbeddingLoss : public PairLoss {
 public:
  HingeEmbeddingLoss(double margin, const std::string& reducer, std::shared_ptr<Distance> distance);
  torch::Tensor pair_terms(const torch::Tensor& d, const torch::Tensor& same) const override;

 private:
  double margin_;
};

LossRegistry::Entry hinge_embedding_entry();

}  // namespace siamese
