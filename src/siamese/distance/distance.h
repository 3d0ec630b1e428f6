// Distance / similarity between embeddings.
//
// pairwise(q [nq, d], r [nr, d]) -> [nq, nr]; paired(a [n, d], b [n, d]) -> [n]. is_similarity() tells
// whether larger means closer (cosine) or farther (all distances). Names say "squared" when squared.
// Learnable distances (mahalanobis, weighted chi^2, weighted L1) are modules whose parameters train with
// the branch: their parameters() are added to the optimizer.
#pragma once

#include <torch/torch.h>

#include "siamese/core/registry.h"

namespace siamese {

class Distance : public torch::nn::Module {
 public:
  virtual torch::Tensor pairwise(const torch::Tensor& q, const torch::Tensor& r) const = 0;
  virtual torch::Tensor paired(const torch::Tensor& a, const torch::Tensor& b) const = 0;
  virtual bool is_similarity() const { return false; }
  virtual bool is_learnable() const { return false; }
  const std::string& name() const { return name_; }
  void set_name(std::string n) { name_ = std::move(n); }

 private:
  std::string name_;
};

// Factory argument: the embedding width (learnable distances size their parameters with it).
using DistanceRegistry = Registry<Distance, int64_t /*dim*/>;
const DistanceRegistry& distance_registry();

// Convenience: build a registered distance with defaults overridden by `overrides`.
std::shared_ptr<Distance> make_distance(const std::string& name, int64_t dim,
                                        const std::map<std::string, Value>& overrides = {});

}  // namespace siamese
