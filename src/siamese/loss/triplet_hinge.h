// Triplet hinge (ranking) loss, Wang et al., "Learning Fine-grained Image Similarity with Deep Ranking", CVPR
// 2014 (docs/methods.md §11.1). Triplets (anchor p_i, positive p_i⁺, negative p_i⁻) with r(p, p⁺) > r(p, p⁻):
//     l = max(0, g + D(f(p), f(p⁺)) - D(f(p), f(p⁻))),    D = ||·||² (SQUARED L2) on L2-NORMALISED f
// so D ∈ [0, 4] and g = 1 is natural. D = d² where d is the recipe's distance (default Euclidean) applied
// to the normalised embeddings (`normalize = false` skips the normalisation). The paper's λ||W||² is the
// optimizer's weight decay. Sum in the paper; the default reducer is the mean.
// Requires: triplets; ensures a finite gradient for zero embeddings (eps in the normalisation).
#pragma once

#include "siamese/loss/triplet_loss.h"

namespace siamese {

// distance() is d on L2-normalised embeddings (normalize = true) or d itself; the equation squares it.
class TripletHingeLoss : public TripletLoss {
 public:
  TripletHingeLoss(double gap, bool normalize, const std::string& reducer, std::shared_ptr<Distance> distance);
  torch::Tensor triplet_terms(const torch::Tensor& d_ap, const torch::Tensor& d_an) const override;

 private:
  double gap_;
};

LossRegistry::Entry triplet_hinge_entry();

}  // namespace siamese
