// LMNN: Weinberger, Blitzer & Saul, "Distance metric learning for large margin nearest neighbor
// classification" (NIPS 2005; JMLR 2009).
//
// Target neighbours j ~> i: the k nearest same-label points of x_i in the input space (Euclidean, never i
// itself, equal distances to the smaller row: the exact search of index/exact.h), fixed before learning. With the SQUARED distance D_L(a, b) = ||L (a - b)||^2 the objective is
//     eps(L) = (1 - mu) sum_{i, j~>i} D_L(x_i, x_j)
//            +      mu  sum_{i, j~>i} sum_{l: y_l != y_i} [1 + D_L(x_i, x_j) - D_L(x_i, x_l)]_+ .
// Its (sub)gradient is d eps / dL = 2 L G with C_ab = (x_a - x_b)(x_a - x_b)^T and
//     G = (1 - mu) sum_{i, j~>i} C_ij + mu sum_{(i,j,l) active} (C_ij - C_il),
// where a triplet is active when its hinge argument is > 0 (the kink itself counts as inactive).
//
// Solver (JMLR special-purpose solver, on L as in metric-learn): gradient steps on L; the working set of
// candidate impostor pairs (i, l) with D_L(x_i, x_l) < max_j D_L(x_i, x_j) + 1 (a superset of every active
// triplet at that L) is recomputed every `recheck_every` accepted steps; convergence = the exact objective fell by
// less than `conv_tol` (relative) between two recomputations. The step grows by `step_growth` after a step
// that lowers the objective and halves (step rejected) otherwise. Before the first step the start is rescaled
// to the exact minimiser along L -> s L (the unit margin fixes the scale of L; raw inputs such as 0..16 pixels
// otherwise cost hundreds of shrinking steps). Cost per evaluation over a working set of p pairs:
// O(n d r + p r) for the value (distances from the rows of L x, gathered in chunks, never from [p, d]
// differences) and O(p d + n d^2) for the gradient (the impostor sum as X^T diag(deg) X - X^T M - M^T X with
// M = W X accumulated row by row); no [n, n], [n k, d] or [p, d] temporaries: pairs are gathered in chunks and
// the working-set search takes rows in blocks sized in bytes (the search's 64 MiB budget), so memory is
// O(n d + n k + p k + d^2) plus fixed-size blocks. The working set p itself can grow to O(n^2) pairs when
// most impostors come within the margin (e.g. after the start is shrunk on well-separated classes); its
// memory is capped by `max_working_set_mib` (RuntimeFailure, exit 1, naming the size, instead of the
// process being killed). all_pairs() is O(n^2) by definition and meant for small n.
// L may have fewer rows than columns (output rank); it starts at the top principal directions (pca) or at
// the first rows of the identity.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "siamese/core/params.h"
#include "siamese/metric/learner.h"

namespace siamese {

// Candidate impostor pairs (i, l), y_i != y_l.
struct LmnnWorkingSet {
  torch::Tensor anchor;    // i [p] int64
  torch::Tensor impostor;  // l [p] int64
};

// Requires x [n, d], y [n], every class with >= 2 examples; k >= 1 (reduced to the smallest class size - 1
// when a class is smaller than k + 1), mu in [0, 1].
class LmnnObjective {
 public:
  LmnnObjective(const torch::Tensor& x, const torch::Tensor& y, int64_t k, double mu);

  int64_t k() const { return k_; }
  // candidates() throws RuntimeFailure when the working set would need more than this (default 2 GiB).
  void set_max_working_set_bytes(int64_t bytes) { max_working_set_bytes_ = bytes; }
  const torch::Tensor& targets() const { return targets_; }  // [n, k] int64, same label, never the row itself
  const torch::Tensor& x() const { return x_; }

  // Exact objective and subgradient at L [r, d].
  double value(const torch::Tensor& l) const;
  torch::Tensor gradient(const torch::Tensor& l) const;
  int64_t active_triplets(const torch::Tensor& l) const;

  // Working-set versions: only triplets (i, j~>i, l) with (i, l) in `ws` count.
  LmnnWorkingSet candidates(const torch::Tensor& l) const;  // every pair that can be active at l
  LmnnWorkingSet all_pairs() const;                          // every different-label pair (small n only)
  double value(const torch::Tensor& l, const LmnnWorkingSet& ws) const;
  torch::Tensor gradient(const torch::Tensor& l, const LmnnWorkingSet& ws) const;
  // Both from one pass over the working set (the solver's step: one hinge evaluation instead of two).
  double value_and_gradient(const torch::Tensor& l, const LmnnWorkingSet& ws, torch::Tensor& grad) const;
  int64_t active_triplets(const torch::Tensor& l, const LmnnWorkingSet& ws) const;

  // Optimal positive rescaling L <- s L for the working set (exact: the objective is piecewise linear and
  // convex in s^2). Returns s^2.
  double best_scale_squared(const torch::Tensor& l, const LmnnWorkingSet& ws) const;
  double pull_value(const torch::Tensor& l) const;  // sum_{i, j~>i} D_L(x_i, x_j)

 private:
  torch::Tensor hinge_args(const torch::Tensor& l, const LmnnWorkingSet& ws) const;  // [p, k]
  torch::Tensor pair_distances(const torch::Tensor& lx, const torch::Tensor& a, const torch::Tensor& b) const;
  // sum_p w_p C_{i_p j_p} over the target pairs p in `used` (undefined: all, weights 1) [d, d].
  torch::Tensor target_scatter(const torch::Tensor& used, const torch::Tensor& weight) const;
  void check_working_set(int64_t pairs) const;
  torch::Tensor x_, y_, targets_;
  torch::Tensor anchors_, targets_flat_;  // i and j for every (i, j~>i), row i * k + slot [n * k]
  torch::Tensor pull_;  // sum over targets of C_ij [d, d]
  int64_t k_;
  double mu_;
  int64_t max_working_set_bytes_ = int64_t{2048} << 20;
};

struct LmnnOptions {
  int64_t k = 3;
  double mu = 0.5;
  int64_t max_iter = 1000;
  double conv_tol = 1e-3;      // converged: relative objective decrease over recheck_every accepted steps
  int64_t recheck_every = 10;  // iterations between working-set recomputations
  double initial_step = 0;     // 0: first step moves L by 1 % of its Frobenius norm
  double step_growth = 1.05;   // JMLR solver: x1.01..1.05 after a successful step, /2 after a failure
  int64_t rank = 0;            // rows of L; 0 = input dimension
  std::string init = "pca";    // pca | identity
  bool rescale_init = true;    // rescale the start to the best s L (exact line search over s)
  int64_t max_working_set_mib = 2048;  // cap of the working set's memory; over it the fit throws RuntimeFailure
};
FitResult fit_lmnn(const torch::Tensor& x, const torch::Tensor& y, const LmnnOptions& opt = {});

// Initial L [rank, d]: top principal directions (unit rows) or the first rows of the identity.
torch::Tensor lmnn_initial_l(const torch::Tensor& x, int64_t rank, const std::string& init);

Schema lmnn_schema();
class LmnnLearner : public MetricLearner {
 public:
  explicit LmnnLearner(const Params& p) : p_(p) {}
  FitResult fit(const torch::Tensor& x, const torch::Tensor& y) const override;

 private:
  Params p_;
};

}  // namespace siamese
