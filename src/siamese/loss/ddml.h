// Discriminative Deep Metric Learning, Hu, Lu & Tan, CVPR 2014 (docs/methods.md §8.2). Paper convention
// ℓ_ij = +1 same person, -1 different (internally ℓ = same ? +1 : -1):
//     J  = J1 + J2
//     J1 = ½ Σ_ij g(1 - ℓ_ij (τ - d²(x_i, x_j))),    g(z) = (1/β) log(1 + exp(βz))   (softplus with β)
//     J2 = (λ/2) Σ_m (||W⁽ᵐ⁾||_F² + ||b⁽ᵐ⁾||²)
// d = the recipe's distance (default Euclidean), squared by the loss. g → max(z, 0) as β → ∞ (a hinge
// with threshold τ and unit margin: same pairs want d² < τ - 1, different pairs d² > τ + 1). τ is fixed
// in the paper; `learn_tau = true` makes it a trained parameter ("tau"; an extension, not the paper).
// J2 needs the branch's weights: the trainer must call set_penalized_parameters(branch parameters) once;
// until then J2 = 0. The default reducer is the mean over pairs (the paper sums; the mean keeps the
// learning rate independent of the batch), and J2 is added once per forward, unscaled.
// Requires: pairs; ensures a finite gradient at d = 0.
#pragma once

#include "siamese/loss/pair_loss.h"

namespace siamese {

class DdmlLoss : public PairLoss {
 public:
  DdmlLoss(double tau, double beta, double lambda, bool learn_tau, const std::string& reducer,
           std::shared_ptr<Distance> distance);
  torch::Tensor forward(const LossInput& in) override;  // reducer(terms) + penalty (J2, not a per-pair term)
  bool terms_can_vanish() const override { return false; }
  void set_penalized_parameters(std::vector<torch::Tensor> params) override { penalized_ = std::move(params); }
  // Per-pair ½ g(1 - ℓ(τ - d²)), before the reducer.
  torch::Tensor pair_terms(const torch::Tensor& d, const torch::Tensor& same) const override;
  // (λ/2) Σ ||p||² over the penalized parameters (a zero scalar when there are none).
  torch::Tensor penalty(const torch::TensorOptions& options) const;
  double tau() const { return tau_.item<double>(); }

 private:
  double beta_, lambda_;
  torch::Tensor tau_;  // parameter (learn_tau) or buffer
  std::vector<torch::Tensor> penalized_;
};

LossRegistry::Entry ddml_entry();

}  // namespace siamese
