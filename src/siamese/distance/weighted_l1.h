// Learnable weighted L1 distance, the "Siamese network" metric of DeepFace (Taigman et al., CVPR 2014),
// with the report's lost minus sign restored (docs/methods.md §0.6.7):
//     d(f1, f2) = sum_i alpha_i |f1_i - f2_i|,     alpha_i >= 0
// DeepFace feeds d to a logistic unit trained with cross-entropy; here d is a distance any pair or triplet
// loss can use. Parametrisation: alpha_i = softplus(rho_i), rho registered as "alpha_raw" (alpha > 0 always);
// alpha starts at 1, i.e. the Manhattan distance. A distance (larger = farther). Requires inputs [n, dim].
#pragma once

#include "siamese/distance/distance.h"

namespace siamese {

class WeightedL1Distance : public Distance {
 public:
  explicit WeightedL1Distance(int64_t dim);
  torch::Tensor pairwise(const torch::Tensor& q, const torch::Tensor& r) const override;
  torch::Tensor paired(const torch::Tensor& a, const torch::Tensor& b) const override;
  bool is_learnable() const override { return true; }
  torch::Tensor weights() const;  // alpha = softplus(alpha_raw), [dim]

 private:
  torch::Tensor alpha_raw_;
};

DistanceRegistry::Entry weighted_l1_entry();

}  // namespace siamese
