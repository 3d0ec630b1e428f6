// Multi-layer perceptron branch: flatten -> [Linear -> activation] x len(hidden) -> Linear D.
// Optional L2 normalisation of the output (embeddings on the unit sphere, as Deep Ranking / FaceNet use).
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

// Parses "256,128" into {256, 128} ("" = no hidden layer); throws ConfigError naming `key`.
std::vector<int64_t> parse_int_list(const std::string& text, const std::string& key);

BranchRegistry::Entry mlp_entry();

}  // namespace siamese
