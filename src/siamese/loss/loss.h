// Losses over embeddings and index tuples.
//
// forward(input) -> scalar. A loss declares what it consumes (pairs, triplets, or labels only for a
// classification term); the trainer converts between pairs and triplets where the maths allows
// (core/tuples.h). Per-element terms are written exactly as the paper defines them, then a reducer
// (mean, sum, nonzero_mean, caffe = sum/(2N)) makes the scalar. Losses with parameters of their own
// (a classifier head, a learnable threshold) are modules; their parameters train with the branch.
#pragma once

#include <torch/torch.h>

#include "siamese/core/registry.h"
#include "siamese/core/tuples.h"
#include "siamese/distance/distance.h"

namespace siamese {

enum class TupleKind { kPairs, kTriplets, kLabels };

struct LossInput {
  torch::Tensor embeddings;  // [B, d]
  torch::Tensor labels;      // int64 [B] class labels (may be undefined for explicit-pair data)
  std::optional<Pairs> pairs;
  std::optional<Triplets> triplets;
};

class Loss : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(const LossInput& in) = 0;
  virtual TupleKind consumes() const = 0;
  // Called once before training with a sample of training embeddings (e.g. to estimate a bound).
  virtual void prepare(const torch::Tensor& /*sample_embeddings*/) {}
  // The distance this loss compares embeddings with (used for evaluation); null for pure classifiers.
  virtual std::shared_ptr<Distance> distance() const { return nullptr; }
  // Hands the loss the tensors a weight penalty of its own applies to (DDML's (λ/2) Σ ||W||² + ||b||²
  // over the branch's weights and biases). The trainer calls it once after building the model, with the
  // branch's parameters; the loss keeps references (no copies), so the penalty follows training. Losses
  // without such a penalty ignore it (the default).
  virtual void set_penalized_parameters(std::vector<torch::Tensor> /*params*/) {}
  const std::string& name() const { return name_; }
  void set_name(std::string n) { name_ = std::move(n); }

 private:
  std::string name_;
};

// What a loss factory may need to know.
struct LossContext {
  int64_t embedding_dim = 0;
  int64_t num_classes = 0;
  std::shared_ptr<Distance> distance;  // the recipe's [distance]; null = the paper's own distance
};

using LossRegistry = Registry<Loss, const LossContext&>;
const LossRegistry& loss_registry();

std::shared_ptr<Loss> make_loss(const std::string& name, const LossContext& ctx,
                                const std::map<std::string, Value>& overrides = {});

// Reduces per-element terms: "mean", "sum", "nonzero_mean" (mean over terms > 0), "caffe" (sum / 2N).
torch::Tensor reduce_terms(const torch::Tensor& terms, const std::string& reducer);
ParamSpec reducer_param(const std::string& def = "mean");

}  // namespace siamese
