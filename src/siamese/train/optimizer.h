// Optimizers with Caffe's semantics (docs/methods.md §0.5) and learning-rate policies.
//
// sgd:  v <- momentum·v + lr·lr_mult·(g + weight_decay·decay_mult·w);  w <- w - v      (Caffe SGDSolver)
//       (torch::optim::SGD differs when lr changes every step, as with "inv".)
// adam: Kingma & Ba with bias correction; weight decay added to the gradient.
// Parameters come in groups with their own lr / decay multipliers (Caffe's lr_mult: 2 on biases).
// The state (momentum / moments) is a flat list of tensors so checkpoints can save and restore it exactly.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "siamese/core/params.h"

namespace siamese {

struct ParamGroup {
  std::vector<torch::Tensor> params;
  double lr_mult = 1.0;
  double decay_mult = 1.0;
};

class Optimizer {
 public:
  Optimizer(std::vector<ParamGroup> groups, const Params& optimizer_section);
  void zero_grad();
  // Applies one update with learning rate `lr`; returns the global gradient norm before clipping when
  // clip_grad_norm > 0 (0 otherwise).
  double step(double lr);
  std::vector<torch::Tensor> state() const;
  void load_state(const std::vector<torch::Tensor>& state);
  int64_t steps() const { return steps_; }

 private:
  std::vector<ParamGroup> groups_;
  std::string type_;
  double momentum_, beta2_, weight_decay_, clip_;
  std::vector<torch::Tensor> m_, v_;
  int64_t steps_ = 0;
};

// Learning rate at iteration t (0-based) for the [schedule] section, base lr and total iterations.
double learning_rate(const Params& schedule, double base_lr, int64_t t, int64_t total);

}  // namespace siamese
