// MMC: Xing, Ng, Jordan & Russell, "Distance metric learning, with application to clustering with
// side-information" (NIPS 2002).
//
// Learns A >= 0 (PSD) for d_A(x, y) = sqrt((x - y)^T A (x - y)) from similar pairs S and dissimilar pairs D:
//     minimise  sum_S ||x_i - x_j||_A^2   subject to   sum_D ||x_i - x_j||_A >= 1,   A >= 0.
// The constraint uses UNSQUARED distances on D; with squared ones the optimum is always rank one.
//
// Full A (paper section 2.1 / Xing's fit_full_mmc.m), the equivalent problem
//     maximise  g(A) = sum_D ||d_ij||_A   subject to   f(A) = sum_S ||d_ij||_A^2 = <W, A> <= t  (C1),  A >= 0 (C2),
// with W = sum_S d d^T, solved by gradient ascent: after each step, alternate projections onto C1 (a
// half-space) and C2 (PSD cone) until C1 holds within a relative tolerance; the ascent direction is grad g
// made orthogonal to grad f = W (Frobenius) and normalised; the step grows x1.05 on success and halves on
// failure (back to the last good A). t = <W, I> / 100, so the scale of A is arbitrary, as in the paper.
//
// Diagonal A = diag(a) (paper section 2.2): Newton-Raphson on the unconstrained surrogate
//     g(a) = sum_S sum_k a_k dx_k^2  -  c * log( sum_D sqrt(sum_k a_k dx_k^2) ),   a >= 0,
// with a backtracking line search on max(0, a - lambda * step) so a stays non-negative.
// Note: metric-learn's line search evaluates "+ c log" while its gradient is that of "- c log"; here the
// same g is used everywhere.
#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "siamese/core/params.h"
#include "siamese/metric/learner.h"
#include "siamese/metric/side_info.h"

namespace siamese {

// f, g and their gradients for full MMC on fixed pairs. Requires x [n, d] float64 and pair tensors of
// valid indices; both pair sets non-empty.
class MmcFullObjective {
 public:
  MmcFullObjective(const torch::Tensor& x, const PairSets& pairs);
  const torch::Tensor& W() const { return w_; }      // sum_S d d^T = grad f  [d, d]
  double f(const torch::Tensor& a) const;            // sum_S ||d||_A^2 = <W, A>
  double g(const torch::Tensor& a) const;            // sum_D ||d||_A
  torch::Tensor grad_g(const torch::Tensor& a) const;  // sum_D d d^T / (2 ||d||_A)
  int64_t dim() const { return w_.size(0); }

 private:
  torch::Tensor dd_;  // D differences [q, d]
  torch::Tensor w_;
};

// Orthogonal (Frobenius) projection of A onto {A : <W, A> <= t}. Requires W != 0.
torch::Tensor project_half_space(const torch::Tensor& a, const torch::Tensor& w, double t);
// Nearest PSD matrix in Frobenius norm: symmetrise, clip negative eigenvalues to zero.
torch::Tensor project_psd(const torch::Tensor& a);

struct MmcFullOptions {
  int64_t max_iter = 100;         // outer gradient steps
  int64_t max_proj = 200;         // alternating-projection cycles per step (Xing's code: 10000; a
                                  // step whose projections do not meet proj_tol is halved anyway)
  double proj_tol = 0.01;         // C1 holds when (<W, A> - t) / t < proj_tol
  double conv_tol = 1e-3;         // stop when ||alpha M||_F / ||A_last||_F < conv_tol
  double initial_step = 0.1;      // alpha_0
  double bound_fraction = 0.01;   // t = bound_fraction * <W, I>
};
FitResult fit_mmc_full(const torch::Tensor& x, const PairSets& pairs, const MmcFullOptions& opt = {});

// The diagonal surrogate g(a) with its gradient and Hessian. Requires x [n, d] float64, non-empty pairs.
class MmcDiagObjective {
 public:
  MmcDiagObjective(const torch::Tensor& x, const PairSets& pairs, double c = 1.0);
  double value(const torch::Tensor& a) const;        // +inf when every D distance is 0
  torch::Tensor gradient(const torch::Tensor& a) const;
  torch::Tensor hessian(const torch::Tensor& a) const;
  int64_t dim() const { return s_sum_.size(0); }
  // Coordinates on which some S or D pair differs [d] bool. The others (e.g. constant pixels) do not enter
  // g at all: their gradient and Hessian rows are exactly 0.
  torch::Tensor informative() const { return (s_sum_ + d_sq_.sum(0)) > 0; }

 private:
  torch::Tensor s_sum_;  // sum_S dx^2 [d]
  torch::Tensor d_sq_;   // D squared differences [q, d]
  double c_;
};

struct MmcDiagOptions {
  int64_t max_iter = 100;
  double conv_tol = 1e-6;    // relative change of g after a full (undamped) Newton step (the
                             // reference uses 1e-3, which stops far from the optimum on Xing's data)
  double c = 1.0;            // weight of the log term
  double ridge = 1e-6;       // added to the Hessian diagonal, relative to its mean diagonal entry
  int64_t max_halvings = 40;
};
FitResult fit_mmc_diag(const torch::Tensor& x, const PairSets& pairs, const MmcDiagOptions& opt = {});

// How the registry adapter draws S and D from the labels (side_info.h pairs_from_labels).
struct MmcPairOptions {
  std::string similar = "all";                 // all | much | little
  std::string dissimilar = "different-class";  // different-class | not-similar
  int64_t max_pairs = 20000;                   // cap on |S| and |D| (0 = none)
  uint64_t seed = 0;
};

// Registry adapters: draw S and D from the labels, then run the solver. The schema is bound to the
// fields of MmcPairOptions and MmcFullOptions / MmcDiagOptions (core/options.h): each key is defined once.
Schema mmc_schema(bool diagonal);
class MmcLearner : public MetricLearner {
 public:
  MmcLearner(const Params& p, bool diagonal) : p_(p), diagonal_(diagonal) {}
  FitResult fit(const torch::Tensor& x, const torch::Tensor& y) const override;

 private:
  Params p_;
  bool diagonal_;
};

}  // namespace siamese
