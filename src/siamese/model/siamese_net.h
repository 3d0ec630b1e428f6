// The Siamese / triplet wrapper: ONE branch, run ONCE over the concatenation of all inputs, outputs split
// back. The weights are shared by construction (there is only one set), and one forward pass over a
// batch of 2n or 3n inputs is faster on CPU than two or three passes over n.
#pragma once

#include <torch/torch.h>

#include <tuple>

#include "siamese/model/branch.h"

namespace siamese {

class SiameseNet {
 public:
  explicit SiameseNet(std::shared_ptr<Branch> branch) : branch_(std::move(branch)) {}
  torch::Tensor embed(const torch::Tensor& x) { return branch_->forward(x); }
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x1, const torch::Tensor& x2) {
    auto e = branch_->forward(torch::cat({x1, x2}));
    return {e.slice(0, 0, x1.size(0)), e.slice(0, x1.size(0))};
  }
  std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> forward(const torch::Tensor& a, const torch::Tensor& p,
                                                                  const torch::Tensor& n) {
    auto e = branch_->forward(torch::cat({a, p, n}));
    const int64_t na = a.size(0), np = p.size(0);
    return {e.slice(0, 0, na), e.slice(0, na, na + np), e.slice(0, na + np)};
  }
  const std::shared_ptr<Branch>& branch() const { return branch_; }

 private:
  std::shared_ptr<Branch> branch_;
};

// Embeds x in batches without gradient (inference), returning [n, d] float32; `workers` > 1 shards each
// batch across threads (model/data_parallel.h).
torch::Tensor embed_all(Branch& branch, const torch::Tensor& x, int64_t batch_size = 500, int workers = 1);

}  // namespace siamese
