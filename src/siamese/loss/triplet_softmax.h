// Triplet-network loss, Hoffer & Ailon, "Deep metric learning using Triplet network", arXiv 1412.6622
// (docs/methods.md §12.1). With d₊ = ||Net(x) - Net(x⁺)||, d₋ = ||Net(x) - Net(x⁻)|| (UNSQUARED L2):
//     s₊ = e^{d₊} / (e^{d₊} + e^{d₋}),  s₋ = 1 - s₊    (softmax over the two raw distances)
//     L  = ||(s₊, s₋ - 1)||² = 2 s₊²                   (squared error to the target (0, 1))
// which drives d₊/d₋ → 0 and saturates once d₋ exceeds d₊ by a few units (a soft margin). Hoffer's Torch
// code (MSECriterion, averaging over batch × 2 outputs) reports half of this, mean s₊². d = the recipe's
// distance, default Euclidean. s₊ is computed as sigmoid(d₊ - d₋) (stable for large distances).
// Requires: triplets.
#pragma once

#include "siamese/loss/triplet_loss.h"

namespace siamese {

class TripletSoftmaxLoss : public TripletLoss {
 public:
  TripletSoftmaxLoss(const std::string& reducer, std::shared_ptr<Distance> distance);
  bool terms_can_vanish() const override { return false; }
  torch::Tensor triplet_terms(const torch::Tensor& d_ap, const torch::Tensor& d_an) const override;
};

LossRegistry::Entry triplet_softmax_entry();

}  // namespace siamese
