// Energy-based pair loss, Chopra, Hadsell & LeCun, "Learning a Similarity Metric Discriminatively, with
// Application to Face Verification", CVPR 2005 (docs/methods.md §5.1). Paper convention Y = 0 genuine (same),
// Y = 1 impostor (internally `same` = genuine):
//     L = (1 - Y) · (2/Q) E²  +  Y · 2Q · exp(-2.77 E / Q),    E = ||G(X1) - G(X2)||_1 (the energy)
// Q is a constant upper bound of E. Either give it (`q` > 0, e.g. 2·k·a for a k-D output bounded by ±a), or
// leave q = 0: prepare() (called once before training on a sample of embeddings) sets Q to `q_scale` times
// the largest energy between sample rows, and keeps it fixed. Q lives in the buffer "q", so checkpoints
// keep it and a resumed run does not re-estimate. If forward() (or terms()) runs before any Q is known, the first
// batch's largest energy is used the same way. E = the recipe's distance (default manhattan).
// The paper sums over pairs; the default reducer is the mean (same minimiser, batch-size independent lr).
// Requires: pairs; ensures: at E = 0 a genuine pair costs 0, an impostor pair 2Q.
#pragma once

#include "siamese/loss/pair_loss.h"

namespace siamese {

class EnergyExpLoss : public PairLoss {
 public:
  EnergyExpLoss(double q, double q_scale, const std::string& reducer, std::shared_ptr<Distance> distance);
  bool terms_can_vanish() const override { return false; }
  // Estimates Q from the input's embeddings first when it is not known yet (see above).
  LossTerms terms(const LossInput& in) override;
  // The equation with E = d; requires Q known (SIAMESE_ASSERT).
  torch::Tensor pair_terms(const torch::Tensor& e, const torch::Tensor& same) const override;
  void prepare(const torch::Tensor& sample_embeddings) override;
  double q() const { return q_.item<double>(); }  // 0 until known

 private:
  void estimate_q(const torch::Tensor& embeddings);
  double q_scale_;
  torch::Tensor q_;  // buffer, scalar double
};

LossRegistry::Entry energy_exp_entry();

}  // namespace siamese
