// A learned Mahalanobis metric: d^2(x, y) = ||L (x - y)||^2 = (x - y)^T M (x - y) with M = L^T L (PSD by
// construction). Produced by the classical learners (metric/mmc.h, metric/lmnn.h) and by a trained
// `mahalanobis` distance; saved as JSON ({"format": "siamese.mahalanobis", "version": 1, "L": [[...]]}).
#pragma once

#include <torch/torch.h>

#include <string>

namespace siamese {

struct MahalanobisModel {
  torch::Tensor L;  // [r, d] float64

  torch::Tensor M() const { return L.t().matmul(L); }
  int64_t dim() const { return L.size(1); }
  // Maps rows x [n, d] to L x [n, r]; Euclidean distances there are Mahalanobis distances here.
  torch::Tensor transform(const torch::Tensor& x) const;
  void save(const std::string& path) const;          // atomic write; throws DataError
  static MahalanobisModel load(const std::string& path);  // throws DataError naming the file
};

}  // namespace siamese
