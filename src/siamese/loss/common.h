// Shared plumbing of the pair and triplet losses: gathering the embeddings a tuple set points at, and
// choosing the distance (the recipe's [distance] or the paper's own). Not a component.
#pragma once

#include <string>

#include "siamese/loss/loss.h"

namespace siamese {

struct PairRows {
  torch::Tensor a, b;    // [P, d] rows of the embeddings
  torch::Tensor same;    // bool [P]
  torch::Tensor weight;  // [P] per-pair weight from the data, 1 where the data has none
};

struct TripletRows {
  torch::Tensor a, p, n;  // [T, d]
};

// Throws ConfigError naming `loss` when the input has no pairs / triplets.
PairRows gather_pairs(const LossInput& in, const std::string& loss);
TripletRows gather_triplets(const LossInput& in, const std::string& loss);

// ctx.distance if set (it must be a distance, not a similarity: ConfigError), else make_distance(def).
std::shared_ptr<Distance> distance_or(const LossContext& ctx, const std::string& def, const std::string& loss);

// Rows scaled to unit L2 norm (eps under the square root keeps the gradient finite at 0).
torch::Tensor l2_normalize(const torch::Tensor& x, double eps = 1e-12);

// A distance applied to L2-normalised inputs (Deep Ranking, FaceNet). Not registered: losses hand it out
// as their distance() so evaluation and mining compare embeddings as the loss does.
class NormalizedDistance : public Distance {
 public:
  explicit NormalizedDistance(std::shared_ptr<Distance> inner);
  torch::Tensor pairwise(const torch::Tensor& q, const torch::Tensor& r) const override;
  torch::Tensor paired(const torch::Tensor& a, const torch::Tensor& b) const override;
  bool is_similarity() const override { return inner_->is_similarity(); }
  bool is_learnable() const override { return inner_->is_learnable(); }

 private:
  std::shared_ptr<Distance> inner_;
};

}  // namespace siamese
