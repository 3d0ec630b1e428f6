// Manhattan (L1) distance, Chopra, Hadsell & LeCun, "Learning a Similarity Metric Discriminatively, with
// Application to Face Verification", CVPR 2005: their energy E_W(X1, X2) = ||G_W(X1) - G_W(X2)||_1.
//     d(x, y) = sum_i |x_i - y_i|
// A distance (larger = farther), not squared. Not differentiable where x_i = y_i; LibTorch's abs uses the
// sub-gradient sign(0) = 0 there (docs/methods.md §5.1).
// Requires: q [nq, d], r [nr, d] (pairwise) or a, b [n, d] (paired) of one dtype; ensures >= 0.
#pragma once

#include "siamese/distance/distance.h"

namespace siamese {

class ManhattanDistance : public Distance {
 public:
  torch::Tensor pairwise(const torch::Tensor& q, const torch::Tensor& r) const override;
  torch::Tensor paired(const torch::Tensor& a, const torch::Tensor& b) const override;
};

DistanceRegistry::Entry manhattan_entry();

}  // namespace siamese
