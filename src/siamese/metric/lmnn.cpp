#include "siamese/metric/lmnn.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "siamese/core/error.h"
#include "siamese/core/linalg.h"
#include "siamese/core/options.h"
#include "siamese/distance/euclidean.h"
#include "siamese/index/exact.h"

namespace siamese {

namespace {

// Pairs per gather (a [kChunk, d] temporary).
constexpr int64_t kChunk = 16384;
// Bytes per entry of the working-set search's [rows, n] tiles: two float64 (the distances and the product)
// and three bool masks.
constexpr int64_t kCandidateBytesPerEntry = 24;

torch::Tensor squared_row_norms(const torch::Tensor& a) { return a.square().sum(1); }

}  // namespace

LmnnObjective::LmnnObjective(const torch::Tensor& x, const torch::Tensor& y, int64_t k, double mu) : mu_(mu) {
  x_ = detail::check_xy(x, y, "lmnn");
  y_ = y.to(torch::kInt64).contiguous();
  SIAMESE_CHECK(k >= 1, ConfigError, "lmnn: k must be >= 1, got ", k);
  SIAMESE_CHECK(mu >= 0 && mu <= 1, ConfigError, "lmnn: mu must be in [0, 1], got ", mu);
  const int64_t n = x_.size(0);
  torch::Tensor classes = std::get<0>(torch::_unique(y_, /*sorted=*/true));
  int64_t smallest = n;
  for (int64_t c = 0; c < classes.size(0); ++c)
    smallest = std::min(smallest, (y_ == classes[c]).sum().item<int64_t>());
  SIAMESE_CHECK(smallest >= 2, DataError, "lmnn: every class needs at least 2 examples (one has ", smallest, ")");
  SIAMESE_CHECK(classes.size(0) >= 2, DataError, "lmnn: needs at least 2 classes");
  k_ = std::min(k, smallest - 1);

  targets_ = torch::empty({n, k_}, torch::kInt64);
  // Target neighbours: the exact search within each class, never the point itself (even when a duplicate
  // sits at distance 0); equal distances go to the smaller row.
  SquaredEuclideanDistance euclidean;
  euclidean.set_name("squared_euclidean");
  for (int64_t c = 0; c < classes.size(0); ++c) {
    torch::Tensor idx = (y_ == classes[c]).nonzero().squeeze(1);
    torch::Tensor xc = x_.index_select(0, idx);
    torch::Tensor nearest = exact_knn(xc, xc, k_, euclidean, /*exclude_self=*/true).ids;
    targets_.index_copy_(0, idx, idx.index_select(0, nearest.reshape({-1})).reshape({-1, k_}));
  }
  anchors_ = torch::arange(n, torch::kInt64).repeat_interleave(k_);
  targets_flat_ = targets_.reshape({-1}).contiguous();
  pull_ = target_scatter(torch::Tensor(), torch::Tensor());
}

torch::Tensor LmnnObjective::target_scatter(const torch::Tensor& used, const torch::Tensor& weight) const {
  // Gathered kChunk pairs at a time: never an [n k, d] temporary.
  const torch::Tensor a = used.defined() ? anchors_.index_select(0, used) : anchors_;
  const torch::Tensor b = used.defined() ? targets_flat_.index_select(0, used) : targets_flat_;
  torch::Tensor out = torch::zeros({x_.size(1), x_.size(1)}, x_.options());
  for (int64_t s = 0; s < a.size(0); s += kChunk) {
    const int64_t e = std::min(a.size(0), s + kChunk);
    torch::Tensor td = x_.index_select(0, a.slice(0, s, e)) - x_.index_select(0, b.slice(0, s, e));
    torch::Tensor tw = weight.defined() ? td * weight.slice(0, s, e).unsqueeze(1) : td;
    out.add_(tw.t().matmul(td));
  }
  return out;
}

LmnnWorkingSet LmnnObjective::candidates(const torch::Tensor& l) const {
  const int64_t n = x_.size(0);
  torch::Tensor lx = x_.matmul(l.t());
  torch::Tensor dt = pair_distances(lx, anchors_, targets_flat_).view({n, k_});
  torch::Tensor radius = std::get<0>(dt.max(1)) + 1.0;
  // The expanded form |a|^2 + |b|^2 - 2ab loses a little precision; widen the radius slightly so the set
  // stays a superset of the active pairs (membership only selects candidates; the hinge values are computed
  // afresh from L).
  radius = radius * (1 + 1e-9) + 1e-9;
  torch::Tensor sq = squared_row_norms(lx);
  std::vector<torch::Tensor> anchors, impostors;
  int64_t pairs = 0;
  // Rows of the [n, n] distance matrix in blocks sized in bytes: memory O(budget), not O(n^2).
  const int64_t block = rows_per_block(kDefaultSearchBudgetBytes, n, kCandidateBytesPerEntry);
  for (int64_t start = 0; start < n; start += block) {
    int64_t end = std::min(n, start + block);
    torch::Tensor rows = lx.slice(0, start, end);
    torch::Tensor d = sq.slice(0, start, end).unsqueeze(1) + sq.unsqueeze(0);
    d.sub_(rows.matmul(lx.t()), 2);
    torch::Tensor mask = d.lt(radius.slice(0, start, end).unsqueeze(1));
    d.reset();
    mask.logical_and_(y_.slice(0, start, end).unsqueeze(1) != y_.unsqueeze(0));
    torch::Tensor nz = mask.nonzero();
    pairs += nz.size(0);
    check_working_set(pairs);
    anchors.push_back(nz.select(1, 0) + start);
    impostors.push_back(nz.select(1, 1));
  }
  LmnnWorkingSet ws;
  ws.anchor = torch::cat(anchors);
  ws.impostor = torch::cat(impostors);
  return ws;
}

void LmnnObjective::check_working_set(int64_t pairs) const {
  // Per pair: its two rows (int64), its impostor distance and weight (32 bytes), and the float64 [k]
  // temporaries that peak in best_scale_squared (hinge arguments, breakpoints, their sort and cumulative
  // slope: about 8 of them, 64 k bytes).
  const int64_t bytes = pairs * (32 + 64 * k_);
  if (bytes <= max_working_set_bytes_) return;
  throw RuntimeFailure(str("lmnn: out of memory budget: the impostor working set has at least ", pairs,
                           " pairs (", bytes >> 20, " MiB > max_working_set_mib = ", max_working_set_bytes_ >> 20,
                           "); the classes overlap at this scale of L for most pairs. Fit on a subsample of the rows, "
                           "or raise lmnn.max_working_set_mib"));
}

LmnnWorkingSet LmnnObjective::all_pairs() const {
  torch::Tensor nz = (y_.unsqueeze(1) != y_.unsqueeze(0)).nonzero();
  LmnnWorkingSet ws;
  ws.anchor = nz.select(1, 0).contiguous();
  ws.impostor = nz.select(1, 1).contiguous();
  return ws;
}

torch::Tensor LmnnObjective::pair_distances(const torch::Tensor& lx, const torch::Tensor& a,
                                            const torch::Tensor& b) const {
  torch::Tensor out = torch::empty({a.size(0)}, lx.options());
  for (int64_t s = 0; s < a.size(0); s += kChunk) {
    const int64_t e = std::min(a.size(0), s + kChunk);
    out.slice(0, s, e).copy_(
        (lx.index_select(0, a.slice(0, s, e)) - lx.index_select(0, b.slice(0, s, e))).square().sum(1));
  }
  return out;
}

torch::Tensor LmnnObjective::hinge_args(const torch::Tensor& l, const LmnnWorkingSet& ws) const {
  // Distances from the projected rows L x (one [n, d] x [d, r] product), never from [p, d] differences.
  torch::Tensor lx = x_.matmul(l.t());
  torch::Tensor dt = pair_distances(lx, anchors_, targets_flat_).view({-1, k_});
  torch::Tensor dc = pair_distances(lx, ws.anchor, ws.impostor);
  return 1.0 + dt.index_select(0, ws.anchor) - dc.unsqueeze(1);
}

double LmnnObjective::pull_value(const torch::Tensor& l) const {
  // sum_{i, j~>i} ||L (x_i - x_j)||^2 = tr(L P L^T) with P = sum C_ij: O(d^2 r) instead of O(n k d r).
  return (l.matmul(pull_) * l).sum().item<double>();
}

double LmnnObjective::value(const torch::Tensor& l, const LmnnWorkingSet& ws) const {
  double push = ws.anchor.numel() ? hinge_args(l, ws).clamp_min(0).sum().item<double>() : 0.0;
  return (1 - mu_) * pull_value(l) + mu_ * push;
}

torch::Tensor LmnnObjective::gradient(const torch::Tensor& l, const LmnnWorkingSet& ws) const {
  torch::Tensor g;
  value_and_gradient(l, ws, g);
  return g;
}

double LmnnObjective::value_and_gradient(const torch::Tensor& l, const LmnnWorkingSet& ws,
                                         torch::Tensor& grad) const {
  torch::Tensor g = (1 - mu_) * pull_;
  double push = 0;
  if (ws.anchor.numel()) {
    const int64_t n = x_.size(0);
    torch::Tensor h = hinge_args(l, ws);  // [p, k]
    push = h.clamp_min(0).sum().item<double>();
    torch::Tensor active = (h > 0).to(torch::kFloat64);
    // Each active (i, j, l) adds C_ij and subtracts C_il: weight the target differences by how many active
    // impostors they have and the impostor differences by how many targets they beat.
    torch::Tensor target_weight = torch::zeros({n, k_}, torch::kFloat64);
    target_weight.index_add_(0, ws.anchor, active);
    torch::Tensor tw = target_weight.reshape({-1});
    torch::Tensor used = (tw > 0).nonzero().squeeze(1);  // only target pairs with an active triplet
    torch::Tensor pull_part = target_scatter(used, tw.index_select(0, used));
    // sum_p w_p (x_a - x_b)(x_a - x_b)^T = X^T diag(deg) X - (X^T M + M^T X), deg = weight of each row over
    // both ends, M = W X with W[a, b] = sum of w_p over the pairs (a, b).
    torch::Tensor w = active.sum(1);
    torch::Tensor deg = torch::zeros({n}, torch::kFloat64);
    deg.index_add_(0, ws.anchor, w).index_add_(0, ws.impostor, w);
    torch::Tensor m = torch::zeros_like(x_);
    for (int64_t s = 0; s < w.size(0); s += kChunk) {
      const int64_t e = std::min(w.size(0), s + kChunk);
      m.index_add_(0, ws.anchor.slice(0, s, e),
                   x_.index_select(0, ws.impostor.slice(0, s, e)) * w.slice(0, s, e).unsqueeze(1));
    }
    torch::Tensor cross = x_.t().matmul(m);  // X^T M
    torch::Tensor push_part = x_.t().matmul(x_ * deg.unsqueeze(1)) - cross - cross.t();
    g = g + mu_ * (pull_part - push_part);
  }
  grad = 2 * l.matmul(g);
  return (1 - mu_) * pull_value(l) + mu_ * push;
}

int64_t LmnnObjective::active_triplets(const torch::Tensor& l, const LmnnWorkingSet& ws) const {
  return ws.anchor.numel() ? (hinge_args(l, ws) > 0).sum().item<int64_t>() : 0;
}

double LmnnObjective::best_scale_squared(const torch::Tensor& l, const LmnnWorkingSet& ws) const {
  // Along L(s) = s L, with u = s^2: eps(u) = (1 - mu) u P + mu sum_t [1 + u a_t]_+, a_t = D_L(i,j) - D_L(i,l).
  // Convex and piecewise linear in u. Near u = 0 every triplet is active; a triplet with a_t < 0 leaves at
  // u = -1 / a_t, raising the slope by -mu a_t. The minimiser is the first breakpoint where the slope turns >= 0.
  const double p = pull_value(l);
  if (!(p > 0)) return 1.0;
  double slope0 = (1 - mu_) * p;
  if (ws.anchor.numel() == 0) return 0.0;  // pure pull: shrink (the caller bounds the factor)
  torch::Tensor a = (hinge_args(l, ws) - 1.0).reshape({-1});
  slope0 += mu_ * a.sum().item<double>();
  if (slope0 >= 0) return 0.0;
  torch::Tensor neg = a.masked_select(a < 0);
  torch::Tensor breaks = -1.0 / neg;
  auto [sorted, order] = breaks.sort();
  torch::Tensor slope = slope0 - mu_ * neg.index_select(0, order).cumsum(0);
  torch::Tensor ok = (slope >= 0).nonzero();
  if (ok.numel() == 0) return std::numeric_limits<double>::infinity();  // cannot happen: slope ends at >= (1-mu) P
  return sorted[ok[0][0].item<int64_t>()].item<double>();
}

double LmnnObjective::value(const torch::Tensor& l) const { return value(l, candidates(l)); }
torch::Tensor LmnnObjective::gradient(const torch::Tensor& l) const { return gradient(l, candidates(l)); }
int64_t LmnnObjective::active_triplets(const torch::Tensor& l) const { return active_triplets(l, candidates(l)); }

torch::Tensor lmnn_initial_l(const torch::Tensor& x, int64_t rank, const std::string& init) {
  const int64_t d = x.size(1);
  SIAMESE_CHECK(rank >= 1 && rank <= d, ConfigError, "lmnn: rank must be in [1, ", d, "], got ", rank);
  if (init == "identity") return torch::eye(rank, d, torch::kFloat64);
  SIAMESE_CHECK(init == "pca", ConfigError, "lmnn: unknown init '", init, "' (known: pca, identity)");
  return principal_directions(x, rank);
}

namespace {

// The unit margin fixes the scale of L, the input units do not: on raw pixels (0..16) the start is ~10x too
// large and plain gradient steps spend hundreds of iterations shrinking it. Rescales the start to the exact
// minimiser along L -> s L. Each round uses the working set at the current scale; a smaller scale can only
// add active triplets (which pull the optimum back up), so a few rounds settle it.
void rescale_start(const LmnnObjective& obj, torch::Tensor& l, LmnnWorkingSet& ws) {
  for (int round = 0; round < 8; ++round) {
    double u = obj.best_scale_squared(l, ws);
    u = std::clamp(u, 1e-4, 1e4);  // at most x100 / /100 per round
    if (std::abs(u - 1) < 1e-3) break;
    l = l * std::sqrt(u);
    ws = obj.candidates(l);
  }
}

// A step that moves L by 1 % of its Frobenius norm along the gradient.
double auto_step(const torch::Tensor& l, const torch::Tensor& grad) {
  const double gn = grad.norm().item<double>();
  return gn > 0 ? 0.01 * l.norm().item<double>() / gn : 1.0;
}

}  // namespace

FitResult fit_lmnn(const torch::Tensor& x, const torch::Tensor& y, const LmnnOptions& opt) {
  LmnnObjective obj(x, y, opt.k, opt.mu);
  obj.set_max_working_set_bytes(opt.max_working_set_mib << 20);
  const torch::Tensor& xd = obj.x();
  const int64_t rank = opt.rank > 0 ? opt.rank : xd.size(1);
  torch::Tensor l = lmnn_initial_l(xd, rank, opt.init);

  FitResult res;
  if (obj.k() < opt.k)
    res.message = str("k reduced to ", obj.k(), " (smallest class has ", obj.k() + 1, " examples); ");
  LmnnWorkingSet ws = obj.candidates(l);
  if (opt.rescale_init) rescale_start(obj, l, ws);
  torch::Tensor grad;
  double f = obj.value_and_gradient(l, ws, grad);
  double lr = opt.initial_step > 0 ? opt.initial_step : auto_step(l, grad);
  res.status = FitStatus::kMaxIterations;
  int64_t since_recheck = 0;
  int64_t it = 0;
  double f_checked = f;  // exact objective at the previous working-set recomputation
  bool done = false;
  while (!done && it < opt.max_iter) {
    ++it;
    // The trial point's gradient comes with its value: steps are accepted far more often than rejected
    // (x step_growth on success, /2 on failure), so this is cheaper than a second pass after acceptance.
    torch::Tensor l_new = l - lr * grad;
    torch::Tensor grad_new;
    double f_new = obj.value_and_gradient(l_new, ws, grad_new);
    const bool accepted = f_new < f;
    if (accepted) {
      l = l_new;
      f = f_new;
      grad = grad_new;
      lr *= opt.step_growth;
      ++since_recheck;
    } else {
      lr *= 0.5;
    }
    const bool step_collapsed = !accepted && lr * grad.norm().item<double>() < 1e-12 * l.norm().item<double>();
    if (since_recheck >= opt.recheck_every || step_collapsed) {
      // Impostors outside the working set may have entered: recompute it at the current L and continue from
      // the exact objective. Convergence: the exact objective fell by less than conv_tol (relative) over the
      // last recheck_every accepted steps.
      ws = obj.candidates(l);
      double f_exact = obj.value_and_gradient(l, ws, grad);
      const double rel = (f_checked - f_exact) / std::max(std::abs(f_exact), 1e-300);
      f = f_exact;
      f_checked = f_exact;
      since_recheck = 0;
      if (rel < opt.conv_tol) {
        res.status = step_collapsed ? FitStatus::kStalled : FitStatus::kConverged;
        if (step_collapsed) res.message += "the step size collapsed";
        done = true;
      }
      if (step_collapsed && !done) lr = auto_step(l, grad);
    }
  }
  res.iterations = it;
  res.objective = f;
  res.model.L = l;
  if (res.status == FitStatus::kMaxIterations)
    res.message += str("stopped after ", opt.max_iter, " iterations (relative change still >= ", opt.conv_tol, ")");
  return res;
}

namespace {

const OptionBinder<LmnnOptions>& lmnn_binder() {
  static const auto b = [] {
    using O = LmnnOptions;
    OptionBinder<O> b;
    b.add("k", &O::k, "target neighbours per point (same label, input-space Euclidean)").at_least(1);
    b.add("mu", &O::mu, "weight of the impostor hinge term; the pull term gets 1 - mu").at_least(0).at_most(1);
    b.add("max_iter", &O::max_iter, "gradient steps (accepted or rejected)").at_least(1);
    b.add("conv_tol", &O::conv_tol, "stop when the objective falls by less than this (relative) over recheck_every steps")
        .above(0);
    b.add("recheck_every", &O::recheck_every, "iterations between recomputations of the impostor working set")
        .at_least(1);
    b.add("initial_step", &O::initial_step, "initial step size; 0 = move L by 1 % of its norm").at_least(0);
    b.add("step_growth", &O::step_growth, "step-size factor after a successful step").at_least(1);
    b.add("rank", &O::rank, "rows of L (output dimension); 0 = input dimension").at_least(0);
    b.add("init", &O::init, "initial L").one_of({"pca", "identity"});
    b.add("max_working_set_mib", &O::max_working_set_mib,
          "memory cap of the impostor working set (MiB); a larger set stops the fit (exit 1)")
        .at_least(1);
    return b;
  }();
  return b;
}

}  // namespace

Schema lmnn_schema() { return lmnn_binder().schema(); }

FitResult LmnnLearner::fit(const torch::Tensor& x, const torch::Tensor& y) const {
  return fit_lmnn(x, y, lmnn_binder().bind(p_));
}

}  // namespace siamese
