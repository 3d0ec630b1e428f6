// The metric-learner registry: one line per learner, no static-initialiser registration.
#include "siamese/metric/learner.h"
#include "siamese/metric/lmnn.h"
#include "siamese/metric/mmc.h"

namespace siamese {

namespace {

// The baseline every learner is compared with: L = I, so distances are plain Euclidean.
class EuclideanLearner : public MetricLearner {
 public:
  FitResult fit(const torch::Tensor& x, const torch::Tensor& y) const override {
    torch::Tensor xd = detail::check_xy(x, y, "euclidean");
    FitResult r;
    r.model.L = torch::eye(xd.size(1), torch::kFloat64);
    r.status = FitStatus::kConverged;
    return r;
  }
};

MetricLearnerRegistry build() {
  MetricLearnerRegistry r("metric learner");
  r.add({"euclidean", "baseline: L = I (plain Euclidean distance), nothing is fitted", {},
         [](const Params&) { return std::make_shared<EuclideanLearner>(); }});
  r.add({"mmc", "Xing et al. 2002, full A: projected gradient ascent with alternating projections", mmc_schema(false),
         [](const Params& p) { return std::make_shared<MmcLearner>(p, false); }});
  r.add({"mmc-diag", "Xing et al. 2002, diagonal A: Newton-Raphson with a non-negative line search",
         mmc_schema(true), [](const Params& p) { return std::make_shared<MmcLearner>(p, true); }});
  r.add({"lmnn", "Weinberger & Saul LMNN: k target neighbours, impostor hinge, gradient steps on L",
         lmnn_schema(), [](const Params& p) { return std::make_shared<LmnnLearner>(p); }});
  return r;
}

}  // namespace

const MetricLearnerRegistry& metric_learner_registry() {
  static const MetricLearnerRegistry registry = build();
  return registry;
}

const char* to_string(FitStatus s) {
  switch (s) {
    case FitStatus::kConverged: return "converged";
    case FitStatus::kMaxIterations: return "max_iterations";
    case FitStatus::kStalled: return "stalled";
  }
  return "?";
}

namespace detail {
torch::Tensor check_xy(const torch::Tensor& x, const torch::Tensor& y, const char* who) {
  SIAMESE_CHECK(x.defined() && x.dim() == 2 && x.size(0) > 0 && x.size(1) > 0, DataError, who,
                ": features must be a non-empty [n, d] tensor");
  SIAMESE_CHECK(y.defined() && y.dim() == 1 && y.size(0) == x.size(0), DataError, who, ": labels must be [",
                x.size(0), "], got ", y.defined() ? y.sizes() : torch::IntArrayRef{});
  torch::Tensor xd = x.to(torch::kFloat64).contiguous();
  SIAMESE_CHECK(torch::isfinite(xd).all().item<bool>(), DataError, who, ": features contain NaN or infinity");
  return xd;
}
}  // namespace detail

}  // namespace siamese
