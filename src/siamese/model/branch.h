// Branch networks: the one shared-weight sub-network of a Siamese / triplet net.
//
// A branch maps a batch of inputs [n, ...input_shape] to embeddings [n, d]. The trainer runs it ONCE over
// all the rows of a batch (the pairs and triplets are index tuples into that batch), so the two or three
// "towers" of a Siamese / triplet net are one set of weights by construction.
#pragma once

#include <torch/torch.h>

#include "siamese/core/registry.h"

namespace siamese {

// True for a parameter named "...bias" (a module's bias, which Caffe's lr_mult: 2 applies to). The one rule
// for "is this a bias" in the code base.
bool is_bias_name(const std::string& key);

class Branch : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(torch::Tensor x) = 0;
  virtual int64_t embedding_dim() const = 0;
  // Parameters that Caffe's lr_mult: 2 applies to (biases); the rest are weights.
  std::vector<torch::Tensor> bias_parameters() const;
  std::vector<torch::Tensor> weight_parameters() const;
};

// Factory argument: the shape of one input, without the batch dimension (e.g. {1, 28, 28} or {64}).
using BranchRegistry = Registry<Branch, const std::vector<int64_t>& /*input_shape*/>;
const BranchRegistry& branch_registry();

// Caffe's "xavier" filler: U(-sqrt(3/fan_in), +sqrt(3/fan_in)), fan_in = weight.numel() / out_channels.
void caffe_xavier_(torch::Tensor weight);

}  // namespace siamese
