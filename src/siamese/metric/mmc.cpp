#include "siamese/metric/mmc.h"

#include <cmath>
#include <limits>
#include <optional>

#include "siamese/core/error.h"
#include "siamese/core/options.h"

namespace siamese {

namespace {

torch::Tensor pair_differences(const torch::Tensor& x, const torch::Tensor& pairs) {
  torch::Tensor p = pairs.to(torch::kInt64);
  SIAMESE_CHECK(p.dim() == 2 && p.size(1) == 2, DataError, "pairs must have shape [p, 2], got ", p.sizes());
  SIAMESE_CHECK(p.numel() == 0 || (p.min().item<int64_t>() >= 0 && p.max().item<int64_t>() < x.size(0)),
                DataError, "pair indices must lie in [0, ", x.size(0), ")");
  return x.index_select(0, p.select(1, 0)) - x.index_select(0, p.select(1, 1));
}

double frobenius_dot(const torch::Tensor& a, const torch::Tensor& b) { return (a * b).sum().item<double>(); }

// L with L^T L = A for a PSD A: rows sqrt(lambda_k) v_k^T, largest eigenvalue first.
torch::Tensor factor_psd(const torch::Tensor& a) {
  auto [evals, evecs] = torch::linalg::eigh(0.5 * (a + a.t()), "L");
  torch::Tensor s = evals.clamp_min(0).sqrt().flip({0});
  return s.unsqueeze(1) * evecs.flip({1}).t();
}

void check_pairs(const PairSets& pairs) {
  SIAMESE_CHECK(pairs.similar.defined() && pairs.similar.size(0) > 0, DataError, "MMC needs at least one similar pair");
  SIAMESE_CHECK(pairs.dissimilar.defined() && pairs.dissimilar.size(0) > 0, DataError,
                "MMC needs at least one dissimilar pair");
}

torch::Tensor as_features(const torch::Tensor& x) {
  SIAMESE_CHECK(x.defined() && x.dim() == 2 && x.size(0) > 0 && x.size(1) > 0, DataError,
                "features must be a non-empty [n, d] tensor, got ", x.defined() ? x.sizes() : torch::IntArrayRef{});
  return x.to(torch::kFloat64).contiguous();
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// Full A.

MmcFullObjective::MmcFullObjective(const torch::Tensor& x, const PairSets& pairs) {
  check_pairs(pairs);
  torch::Tensor xd = as_features(x);
  torch::Tensor ds = pair_differences(xd, pairs.similar);
  dd_ = pair_differences(xd, pairs.dissimilar);
  w_ = ds.t().matmul(ds);
}

double MmcFullObjective::f(const torch::Tensor& a) const { return frobenius_dot(w_, a); }

double MmcFullObjective::g(const torch::Tensor& a) const {
  // d^T A d can be a tiny negative number for a numerically PSD A; clamp before the square root.
  return (dd_.matmul(a) * dd_).sum(1).clamp_min(0).sqrt().sum().item<double>();
}

torch::Tensor MmcFullObjective::grad_g(const torch::Tensor& a) const {
  torch::Tensor dist = (dd_.matmul(a) * dd_).sum(1).clamp_min(0).sqrt();
  // Pairs at distance 0 have no gradient (sqrt is not differentiable there); leave them out.
  torch::Tensor weight = torch::where(dist > 1e-12, 0.5 / dist.clamp_min(1e-12), torch::zeros_like(dist));
  return (dd_ * weight.unsqueeze(1)).t().matmul(dd_);
}

torch::Tensor project_half_space(const torch::Tensor& a, const torch::Tensor& w, double t) {
  double ww = frobenius_dot(w, w);
  SIAMESE_ASSERT(ww > 0, "half-space normal W is zero");
  double wa = frobenius_dot(w, a);
  if (wa <= t) return a;
  return a + ((t - wa) / ww) * w;
}

torch::Tensor project_psd(const torch::Tensor& a) {
  torch::Tensor sym = 0.5 * (a + a.t());
  auto [evals, evecs] = torch::linalg::eigh(sym, "L");
  torch::Tensor out = (evecs * evals.clamp_min(0).unsqueeze(0)).matmul(evecs.t());
  // Rounding in the product can leave a 1e-17 asymmetry; symmetrise again so callers see an exact symmetric A.
  return 0.5 * (out + out.t());
}

namespace {

// The constraint set of full MMC: A PSD with <W, A> <= t, reached by alternating projections.
struct MmcConstraint {
  const torch::Tensor& w;
  double t;
  const MmcFullOptions& opt;
  bool feasible(const torch::Tensor& a) const { return (frobenius_dot(w, a) - t) / t < opt.proj_tol; }
  // Up to max_proj cycles of (half-space, PSD) projections; true when the result is feasible.
  bool project(torch::Tensor& a) const {
    for (int64_t cycle = 0; cycle < opt.max_proj; ++cycle) {
      a = project_psd(project_half_space(a, w, t));
      if (feasible(a)) return true;
    }
    return false;
  }
};

// Ascent direction: grad g with its component along grad f = W removed, unit Frobenius norm. Using it keeps
// the active constraint f = t (to first order) while increasing g.
torch::Tensor mmc_direction(const MmcFullObjective& obj, const torch::Tensor& a, double ww) {
  torch::Tensor gg = obj.grad_g(a);
  torch::Tensor m = gg - (frobenius_dot(gg, obj.W()) / ww) * obj.W();
  const double norm = m.norm().item<double>();
  return norm > 0 ? m / norm : m;
}

// Xing's code starts at A = I and lets the first round of projections make it feasible. When they do not
// get there within max_proj cycles, start instead from I scaled onto the hyperplane <W, A> = t: the same
// direction, already feasible, so the ascent is not lost to an infeasible start.
torch::Tensor mmc_start(const MmcConstraint& c, int64_t d) {
  torch::Tensor a = torch::eye(d, torch::kFloat64);
  if (c.feasible(a) || c.project(a)) return a;
  return torch::eye(d, torch::kFloat64) * (c.t / c.w.diagonal().sum().item<double>());
}

FitResult mmc_full_result(FitResult res, bool any_success, const torch::Tensor& a_last, double g_last, int64_t d,
                          const MmcFullOptions& opt) {
  if (!any_success) {
    res.status = FitStatus::kStalled;
    res.message = "the alternating projections never satisfied the constraint; returning the identity";
    res.model.L = torch::eye(d, torch::kFloat64);
    return res;
  }
  res.objective = g_last;
  res.model.L = factor_psd(a_last);
  if (res.status == FitStatus::kMaxIterations)
    res.message = str("stopped after ", opt.max_iter, " iterations (relative step still >= ", opt.conv_tol, ")");
  return res;
}

}  // namespace

FitResult fit_mmc_full(const torch::Tensor& x, const PairSets& pairs, const MmcFullOptions& opt) {
  MmcFullObjective obj(x, pairs);
  const int64_t d = obj.dim();
  const torch::Tensor& w = obj.W();
  const double ww = frobenius_dot(w, w);
  SIAMESE_CHECK(ww > 0, DataError, "MMC: every similar pair has identical points; nothing to learn from S");
  const MmcConstraint constraint{w, opt.bound_fraction * w.diagonal().sum().item<double>(), opt};
  torch::Tensor a = mmc_start(constraint, d);
  torch::Tensor a_last = a.clone();
  torch::Tensor m = mmc_direction(obj, a, ww);
  double alpha = opt.initial_step;
  double g_last = -std::numeric_limits<double>::infinity();
  bool any_success = false;
  FitResult res;
  res.status = FitStatus::kMaxIterations;
  int64_t it = 0;
  for (; it < opt.max_iter; ++it) {
    const bool satisfied = constraint.project(a);
    const double g_now = obj.g(a);
    if (satisfied && (!any_success || g_now > g_last)) {
      any_success = true;
      alpha *= 1.05;
      a_last = a;
      g_last = g_now;
      m = mmc_direction(obj, a, ww);
      a = a + alpha * m;
    } else {
      alpha *= 0.5;
      a = a_last + alpha * m;
    }
    const double base = a_last.norm().item<double>();
    if (alpha * m.norm().item<double>() / (base > 0 ? base : 1.0) < opt.conv_tol) {
      ++it;
      res.status = FitStatus::kConverged;
      break;
    }
  }
  res.iterations = it;
  return mmc_full_result(std::move(res), any_success, a_last, g_last, d, opt);
}

// ---------------------------------------------------------------------------------------------------------
// Diagonal A.

MmcDiagObjective::MmcDiagObjective(const torch::Tensor& x, const PairSets& pairs, double c) : c_(c) {
  check_pairs(pairs);
  torch::Tensor xd = as_features(x);
  s_sum_ = pair_differences(xd, pairs.similar).square().sum(0);
  d_sq_ = pair_differences(xd, pairs.dissimilar).square();
}

double MmcDiagObjective::value(const torch::Tensor& a) const {
  double s = d_sq_.matmul(a).clamp_min(0).sqrt().sum().item<double>();
  if (!(s > 0)) return std::numeric_limits<double>::infinity();
  return s_sum_.dot(a).item<double>() - c_ * std::log(s);
}

torch::Tensor MmcDiagObjective::gradient(const torch::Tensor& a) const {
  torch::Tensor dist = d_sq_.matmul(a).clamp_min(0).sqrt();
  double s = dist.sum().item<double>();
  torch::Tensor inv = torch::where(dist > 1e-12, 0.5 / dist.clamp_min(1e-12), torch::zeros_like(dist));
  torch::Tensor grad_log_s = d_sq_.t().matmul(inv) / s;
  return s_sum_ - c_ * grad_log_s;
}

torch::Tensor MmcDiagObjective::hessian(const torch::Tensor& a) const {
  torch::Tensor dist = d_sq_.matmul(a).clamp_min(0).sqrt();
  double s = dist.sum().item<double>();
  torch::Tensor pos = dist > 1e-12;
  torch::Tensor safe = dist.clamp_min(1e-12);
  torch::Tensor inv = torch::where(pos, 0.5 / safe, torch::zeros_like(dist));
  torch::Tensor inv3 = torch::where(pos, 0.25 / safe.pow(3), torch::zeros_like(dist));
  torch::Tensor gl = d_sq_.t().matmul(inv) / s;                                  // grad log s
  torch::Tensor second = (d_sq_ * inv3.unsqueeze(1)).t().matmul(d_sq_) / s;     // -(d2 s)/s
  return c_ * (second + torch::outer(gl, gl));
}

namespace {

struct LineStep {
  torch::Tensor a;
  double value = 0;
  double lambda = 0;
};

// Backtracking on lambda in {1, 1/2, 1/4, ...} along -dir with a clamped at 0; then, like the reference
// code, keep halving while the objective still improves. nullopt when no lambda decreases g below `value`.
std::optional<LineStep> diag_line_search(const MmcDiagObjective& obj, const torch::Tensor& a, double value,
                                         const torch::Tensor& dir, int64_t max_halvings) {
  LineStep s{(a - dir).clamp_min(0), 0, 1.0};
  s.value = obj.value(s.a);
  int64_t h = 0;
  for (; !(s.value < value) && h < max_halvings; ++h) {
    s.lambda *= 0.5;
    s.a = (a - s.lambda * dir).clamp_min(0);
    s.value = obj.value(s.a);
  }
  if (!(s.value < value)) return std::nullopt;
  for (; h < max_halvings; ++h) {
    torch::Tensor next = (a - 0.5 * s.lambda * dir).clamp_min(0);
    const double vn = obj.value(next);
    if (!(vn < s.value)) break;
    s = {next, vn, 0.5 * s.lambda};
  }
  return s;
}

// Projected Newton: coordinates held at the bound (a_k = 0 with the gradient pushing below 0) and
// uninformative ones are fixed; Newton runs on the free ones with a ridge relative to the Hessian scale.
// Zero where no descent direction came out of the solve.
torch::Tensor diag_newton_step(const MmcDiagObjective& obj, const torch::Tensor& a, const torch::Tensor& grad,
                               const torch::Tensor& live, double ridge) {
  torch::Tensor free_idx = (live & ~((a <= 0) & (grad > 0))).nonzero().squeeze(1);
  torch::Tensor step = torch::zeros({obj.dim()}, torch::kFloat64);
  if (free_idx.numel() == 0) return step;
  torch::Tensor h = obj.hessian(a).index_select(0, free_idx).index_select(1, free_idx);
  const double scale = std::max(h.diagonal().mean().item<double>(), 1e-300);
  h = h + (ridge * scale) * torch::eye(free_idx.size(0), torch::kFloat64);
  torch::Tensor gf = grad.index_select(0, free_idx);
  torch::Tensor sf = torch::linalg::solve(h, gf.unsqueeze(1), true).squeeze(1);
  // A descent direction needs grad . step > 0; an ill-conditioned solve can break that.
  if (torch::isfinite(sf).all().item<bool>() && gf.dot(sf).item<double>() > 0) step.index_copy_(0, free_idx, sf);
  return step;
}

}  // namespace

FitResult fit_mmc_diag(const torch::Tensor& x, const PairSets& pairs, const MmcDiagOptions& opt) {
  MmcDiagObjective obj(x, pairs, opt.c);
  // Coordinates no pair varies on carry no information: they stay at weight 0 and are left out of the Newton
  // system (their Hessian rows are exactly 0, which made the system singular on digits' constant pixels).
  const torch::Tensor live = obj.informative();
  SIAMESE_CHECK(live.any().item<bool>(), DataError, "MMC-diag: no coordinate varies within the pairs");
  torch::Tensor a = live.to(torch::kFloat64);
  double value = obj.value(a);
  SIAMESE_CHECK(std::isfinite(value), DataError, "MMC-diag: every dissimilar pair has identical points");
  FitResult res;
  res.status = FitStatus::kMaxIterations;
  int64_t it = 0;
  for (; it < opt.max_iter; ++it) {
    torch::Tensor grad = obj.gradient(a) * live;
    torch::Tensor step = diag_newton_step(obj, a, grad, live, opt.ridge);
    // The clamped Newton step need not descend when some a_k sit at 0; fall back to the gradient then.
    std::optional<LineStep> s;
    if (step.abs().sum().item<double>() > 0) s = diag_line_search(obj, a, value, step, opt.max_halvings);
    const bool newton = s.has_value();
    if (!s && grad.abs().sum().item<double>() > 0) s = diag_line_search(obj, a, value, grad, opt.max_halvings);
    if (!s) {
      ++it;
      res.status = FitStatus::kStalled;
      res.message = "no step along the Newton or gradient direction decreases the objective";
      break;
    }
    const double rel = std::abs(value - s->value) / std::max(std::abs(s->value), 1e-300);
    a = s->a;
    value = s->value;
    // A small change after a damped step only says the step was short, not that a is optimal (the
    // reference's test alone stops early on Xing's synthetic data); require a full Newton step as well.
    if (rel < opt.conv_tol && newton && s->lambda == 1.0) {
      ++it;
      res.status = FitStatus::kConverged;
      break;
    }
  }
  res.iterations = it;
  res.objective = value;
  res.model.L = torch::diag(a.sqrt());
  if (res.status == FitStatus::kMaxIterations)
    res.message = str("stopped after ", opt.max_iter, " Newton steps (relative change still >= ", opt.conv_tol, ")");
  return res;
}

// ---------------------------------------------------------------------------------------------------------
// Registry adapter.

namespace {

const OptionBinder<MmcPairOptions>& mmc_pair_binder() {
  static const auto b = [] {
    OptionBinder<MmcPairOptions> b;
    b.add("similar", &MmcPairOptions::similar,
          "similar pairs S from labels: all same-class pairs, or Xing's much (K_c ~ 0.7 N) / little (K_c ~ 0.9 N)")
        .one_of({"all", "much", "little"});
    b.add("dissimilar", &MmcPairOptions::dissimilar,
          "dissimilar pairs D: different-class pairs or all pairs not in S (Xing)")
        .one_of({"different-class", "not-similar"});
    b.add("max_pairs", &MmcPairOptions::max_pairs, "random cap on |S| and on |D| (0 = no cap)").at_least(0);
    b.add("seed", &MmcPairOptions::seed, "seed for drawing and capping pairs");
    return b;
  }();
  return b;
}

const OptionBinder<MmcFullOptions>& mmc_full_binder() {
  static const auto b = [] {
    OptionBinder<MmcFullOptions> b;
    b.add("max_iter", &MmcFullOptions::max_iter, "outer gradient-ascent steps").at_least(1);
    b.add("conv_tol", &MmcFullOptions::conv_tol, "relative step ||alpha M|| / ||A|| that stops the ascent").above(0);
    b.add("max_proj", &MmcFullOptions::max_proj, "alternating-projection cycles per step").at_least(1);
    b.add("proj_tol", &MmcFullOptions::proj_tol, "relative violation of sum_S d^2 <= t accepted after projecting")
        .above(0);
    b.add("initial_step", &MmcFullOptions::initial_step, "initial step size alpha").above(0);
    b.add("bound_fraction", &MmcFullOptions::bound_fraction, "t = bound_fraction * sum_S ||d||^2 (scale only)")
        .above(0);
    return b;
  }();
  return b;
}

const OptionBinder<MmcDiagOptions>& mmc_diag_binder() {
  static const auto b = [] {
    OptionBinder<MmcDiagOptions> b;
    b.add("max_iter", &MmcDiagOptions::max_iter, "Newton steps").at_least(1);
    b.add("conv_tol", &MmcDiagOptions::conv_tol, "relative objective change that stops Newton").above(0);
    b.add("c", &MmcDiagOptions::c, "weight of the log term of the surrogate").above(0);
    b.add("ridge", &MmcDiagOptions::ridge, "added to the Hessian diagonal, times its mean diagonal entry").at_least(0);
    return b;
  }();
  return b;
}

}  // namespace

Schema mmc_schema(bool diagonal) {
  Schema s = mmc_pair_binder().schema();
  const Schema& solver = diagonal ? mmc_diag_binder().schema() : mmc_full_binder().schema();
  s.insert(s.end(), solver.begin(), solver.end());
  return s;
}

FitResult MmcLearner::fit(const torch::Tensor& x, const torch::Tensor& y) const {
  torch::Tensor xd = detail::check_xy(x, y, diagonal_ ? "mmc-diag" : "mmc");
  const MmcPairOptions po = mmc_pair_binder().bind(p_);
  PairSets pairs = pairs_from_labels(y, po.similar, po.dissimilar, po.max_pairs, po.seed);
  if (diagonal_) return fit_mmc_diag(xd, pairs, mmc_diag_binder().bind(p_));
  return fit_mmc_full(xd, pairs, mmc_full_binder().bind(p_));
}

}  // namespace siamese
