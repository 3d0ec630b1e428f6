// Losses over embeddings and index tuples.
//
// forward(input) -> scalar. A loss declares what it consumes (pairs, triplets, or labels only for a
// classification term); the trainer converts between pairs and triplets where the maths allows
// (core/tuples.h). Per-element terms are written exactly as the paper defines them (terms(input), one per
// pair or triplet), then a Reducer (loss/reducer.h) makes the scalar. Pair and triplet losses derive from
// PairLoss / TripletLoss (loss/pair_loss.h, loss/triplet_loss.h), which gather the rows, apply the loss's
// distance and reduce; each loss only writes its equation. Losses with parameters of their own (a
// classifier head, a learnable threshold) are modules; their parameters train with the branch.
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

// The per-element terms of one input, before the reducer.
//   terms[k] belongs to pair k of LossInput::pairs (tuples == kPairs) or to triplet k of
//   LossInput::triplets (tuples == kTriplets); `same` (bool [T]) is the pair's label for pair terms and
//   undefined for triplet terms. Every built-in loss's terms are >= 0; a term > 0 is an "active" tuple
//   (it still produces a gradient through a hinge, or, for a smooth loss, any gradient at all).
struct LossTerms {
  TupleKind tuples = TupleKind::kPairs;
  torch::Tensor terms;  // [T]
  torch::Tensor same;   // bool [T] for pair terms; undefined for triplet terms
};

class Loss : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(const LossInput& in) = 0;
  // The terms forward() reduces (for a joint loss such as DeepID2: its per-pair verification terms; for
  // DDML without its weight penalty). Requires the tuples the loss consumes (ConfigError otherwise).
  // May set lazily-estimated state first, as forward() would (energy_exp's Q); never trains anything.
  virtual LossTerms terms(const LossInput& in) = 0;
  virtual TupleKind consumes() const = 0;
  // False for smooth losses (softplus, softmax, exponential, squared error) whose terms stay > 0 however
  // well a tuple is learnt: "every term active" then says nothing about a stuck run (train/diagnostics.h).
  virtual bool terms_can_vanish() const { return true; }
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

}  // namespace siamese
