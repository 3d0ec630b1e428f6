// Multi-layer perceptron branch: flatten -> [Linear -> activation] x len(hidden) -> Linear D.
// Optional L2 normalisation of the output (embeddings on the unit sphere, as Deep Ranking / FaceNet use).
// `hidden` is a recipe string "256,128" read by parse_int_list (core/params.h): "32x", "1e3", "32,,16" are
// ConfigErrors. Widths that cannot fit in memory are ConfigErrors raised before allocating.
#pragma once

#include "siamese/model/branch.h"

namespace siamese {

class MlpBranch : public Branch {
 public:
  MlpBranch(int64_t input_size, std::vector<int64_t> hidden, int64_t embedding_dim, std::string activation,
            bool normalize);
  torch::Tensor forward(torch::Tensor x) override;
  int64_t embedding_dim() const override { return dim_; }

 private:
  int64_t dim_;
  std::string activation_;
  bool normalize_;
  torch::nn::ModuleList layers_;
};

// Checks, before anything is allocated, that an mlp with these widths fits in memory (weights, gradients
// and two optimizer moments: 16 bytes per parameter); throws ConfigError naming model.hidden or
// model.embedding_dim (whichever the largest layer depends on).
void check_mlp_size(int64_t input_size, const std::vector<int64_t>& hidden, int64_t embedding_dim);

BranchRegistry::Entry mlp_entry();

}  // namespace siamese
