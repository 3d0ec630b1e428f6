// Learnable weighted chi-squared distance, DeepFace (Taigman et al., CVPR 2014), with the minus sign the
// report lost restored (docs/methods.md §0.6.7):
//     chi²(f1, f2) = sum_i w_i (f1_i - f2_i)² / max(f1_i + f2_i, eps),     w_i >= 0
// Meant for non-negative features (DeepFace's are ReLU outputs, normalised); the denominator is clamped to
// eps so a zero (or, for signed features, negative) sum cannot divide by zero or flip the sign: the value
// is always >= 0 and is 0 for identical inputs. DeepFace learns w with a linear SVM; here w trains by
// gradient with the branch. Parametrisation: w_i = softplus(rho_i), rho registered as "w_raw" (so
// w_i > 0 always and the gradient never dies); w starts at 1.
// A distance (larger = farther). Requires inputs [n, dim], dim > 0.
#pragma once

#include "siamese/distance/distance.h"

namespace siamese {

class WeightedChi2Distance : public Distance {
 public:
  WeightedChi2Distance(int64_t dim, double eps);
  torch::Tensor pairwise(const torch::Tensor& q, const torch::Tensor& r) const override;
  torch::Tensor paired(const torch::Tensor& a, const torch::Tensor& b) const override;
  bool is_learnable() const override { return true; }
  torch::Tensor weights() const;  // w = softplus(w_raw), [dim]

 private:
  torch::Tensor terms(const torch::Tensor& a, const torch::Tensor& b) const;  // broadcasting, sums last dim
  torch::Tensor w_raw_;
  double eps_;
};

DistanceRegistry::Entry weighted_chi2_entry();

}  // namespace siamese
