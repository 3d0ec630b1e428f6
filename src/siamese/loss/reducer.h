// Reducers: how a loss's per-element terms (LossTerms, loss/loss.h) become the scalar it trains on.
//
// reduce(terms [T], same) -> 0-d tensor; `same` is the bool [T] pair label of pair terms, undefined for
// triplet terms. Registered names (a loss's `reducer` parameter picks one):
//   mean                  Σ t / T
//   sum                   Σ t
//   nonzero_mean          Σ t / #{t > 0}                       (0 when no term is > 0)
//   caffe                 Σ t / (2T)                           (Caffe's 1/(2N) normalisation)
//   pos_neg_mean          Σ_same t / #same  +  Σ_diff t / #diff
//   pos_neg_nonzero_mean  Σ_same t / #{same, t > 0}  +  Σ_diff t / #{diff, t > 0}
// The last two need pair terms (ConfigError without `same`); triplet losses do not offer them.
// pos_neg_* average same-pair and different-pair terms separately, each over its own count, and add the two
// averages: the convention of pytorch-metric-learning's ContrastiveLoss, whose default reducer
// (AvgNonZeroReducer, i.e. ThresholdReducer with threshold 0) is pos_neg_nonzero_mean — each group's sum
// divided by the number of its terms > 0; its MeanReducer is pos_neg_mean. A group with no term (a batch
// without a negative pair) or, for the non-zero form, with no term > 0 contributes 0, as in that library:
// never NaN. (The library's ContrastiveLoss terms are unsquared hinges; here the reducer applies to this
// project's own terms, so a value matches the library's when the terms do.)
// Requires: terms 1-D; same undefined or bool with terms' size. Ensures: T = 0 gives a 0 connected to the
// terms' graph (its gradient is zero, never NaN); terms >= 0 give a value >= 0.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>

#include "siamese/core/registry.h"

namespace siamese {

class Reducer {
 public:
  virtual ~Reducer() = default;
  virtual torch::Tensor reduce(const torch::Tensor& terms, const torch::Tensor& same) const = 0;
  // True when reduce() needs the same-pair mask (pair terms only).
  virtual bool needs_same() const { return false; }
};

using ReducerRegistry = Registry<Reducer>;
const ReducerRegistry& reducer_registry();

// ConfigError listing the known names for an unknown one.
std::shared_ptr<Reducer> make_reducer(const std::string& name);

// The `reducer` parameter of a loss, its choices the registered reducers; `pairs = false` (triplet losses)
// leaves out those that need a same-pair mask.
ParamSpec reducer_param(const std::string& def = "mean", bool pairs = true);

}  // namespace siamese
