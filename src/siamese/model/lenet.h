// Caffe's mnist_siamese branch (BVLC/caffe examples/siamese, docs/methods.md §13.2):
//   conv1 20@5x5 -> maxpool 2 -> conv2 50@5x5 -> maxpool 2 -> ip1 500 -> ReLU -> ip2 10 -> feat D (default 2)
// No nonlinearity between the conv/pool layers, none after ip2. Weights: Caffe "xavier"
// U(±sqrt(3/fan_in)); biases 0 (Caffe trains them with lr_mult 2: see Branch::bias_parameters()).
// Input [n, C, H, W] with H, W >= 16.
#pragma once

#include "siamese/model/branch.h"

namespace siamese {

class LeNetBranch : public Branch {
 public:
  LeNetBranch(const std::vector<int64_t>& input_shape, int64_t embedding_dim, int64_t conv1 = 20,
              int64_t conv2 = 50, int64_t hidden = 500, int64_t ip2 = 10);
  torch::Tensor forward(torch::Tensor x) override;
  int64_t embedding_dim() const override { return dim_; }

 private:
  int64_t dim_;
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::Linear ip1_{nullptr}, ip2_{nullptr}, feat_{nullptr};
};

// Checks, before anything is allocated, that a lenet with these widths on [C, H, W] inputs fits in memory
// (16 bytes per parameter: weights, gradients, two optimizer moments); throws ConfigError naming the keys
// of the largest layer. The constructor calls it.
void check_lenet_size(const std::vector<int64_t>& input_shape, int64_t embedding_dim, int64_t conv1, int64_t conv2,
                      int64_t hidden, int64_t ip2);

BranchRegistry::Entry lenet_entry();

}  // namespace siamese
