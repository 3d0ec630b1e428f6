// Built-in fixed distances.
//   euclidean:          d(x, y) = sqrt(||x - y||^2 + eps)   (eps keeps the gradient finite at d = 0,
//                                                             docs/methods.md §0.3; Caffe uses 1e-4 in its layer)
//   squared_euclidean:  d(x, y) = ||x - y||^2
//   cosine:             s(x, y) = x·y / (||x|| ||y||)  — a similarity (larger = closer)
#pragma once

#include "siamese/distance/distance.h"

namespace siamese {

class EuclideanDistance : public Distance {
 public:
  explicit EuclideanDistance(double eps = 1e-12) : eps_(eps) {}
  torch::Tensor pairwise(const torch::Tensor& q, const torch::Tensor& r) const override;
  torch::Tensor paired(const torch::Tensor& a, const torch::Tensor& b) const override;

 private:
  double eps_;
};

class SquaredEuclideanDistance : public Distance {
 public:
  torch::Tensor pairwise(const torch::Tensor& q, const torch::Tensor& r) const override;
  torch::Tensor paired(const torch::Tensor& a, const torch::Tensor& b) const override;
};

class CosineSimilarity : public Distance {
 public:
  explicit CosineSimilarity(double eps = 1e-12) : eps_(eps) {}
  torch::Tensor pairwise(const torch::Tensor& q, const torch::Tensor& r) const override;
  torch::Tensor paired(const torch::Tensor& a, const torch::Tensor& b) const override;
  bool is_similarity() const override { return true; }

 private:
  double eps_;
};

DistanceRegistry::Entry euclidean_entry();
DistanceRegistry::Entry squared_euclidean_entry();
DistanceRegistry::Entry cosine_entry();

}  // namespace siamese
