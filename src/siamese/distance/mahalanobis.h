// Learnable Mahalanobis distance with a factored matrix (Xing et al. 2002; Weinberger & Saul 2009; report
// §2, with the transcription fix of docs/methods.md §0.6.1):
//     d²(x, y) = ||L (x - y)||² = (x - y)^T M (x - y),   M = L^T L,   L in R^{r x d}
// M is positive semi-definite by construction for any L, so gradient steps on L never leave the PSD cone
// (no projection needed); r < d gives a low-rank metric (a linear projection to r dimensions).
// `squared = false` (default, like `euclidean`) returns d = sqrt(d² + eps); `squared = true` returns d².
// L starts as the identity truncated to r rows (so with r = d the distance starts as the Euclidean one), or
// from a JSON model written by `siamese fit-metric` (`init`). L is registered as parameter "L", so it
// trains with the branch when the recipe names this distance.
// Requires: dim > 0 (the embedding width), 0 <= rank <= dim; inputs [n, dim].
#pragma once

#include "siamese/distance/distance.h"

namespace siamese {

class MahalanobisDistance : public Distance {
 public:
  // L0: the initial [r, d] factor.
  MahalanobisDistance(const torch::Tensor& L0, bool squared, double eps);
  torch::Tensor pairwise(const torch::Tensor& q, const torch::Tensor& r) const override;
  torch::Tensor paired(const torch::Tensor& a, const torch::Tensor& b) const override;
  bool is_learnable() const override { return true; }
  const torch::Tensor& L() const { return L_; }
  torch::Tensor M() const { return L_.t().matmul(L_); }

 private:
  torch::Tensor L_;
  bool squared_;
  double eps_;
};

DistanceRegistry::Entry mahalanobis_entry();

}  // namespace siamese
