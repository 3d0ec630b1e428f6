#include "siamese/distance/weighted_chi2.h"

#include <cmath>

#include "siamese/core/error.h"
#include "siamese/distance/blocks.h"

namespace siamese {

WeightedChi2Distance::WeightedChi2Distance(int64_t dim, double eps) : eps_(eps) {
  // softplus(log(e - 1)) = 1: every weight starts at 1.
  w_raw_ = register_parameter("w_raw", torch::full({dim}, std::log(std::exp(1.0) - 1.0), torch::kFloat));
}

torch::Tensor WeightedChi2Distance::weights() const { return torch::softplus(w_raw_); }

torch::Tensor WeightedChi2Distance::terms(const torch::Tensor& a, const torch::Tensor& b) const {
  auto w = weights().to(a.scalar_type());
  return (w * (a - b).pow(2) / (a + b).clamp_min(eps_)).sum(-1);
}

torch::Tensor WeightedChi2Distance::pairwise(const torch::Tensor& q, const torch::Tensor& r) const {
  return detail::pairwise_in_blocks(q, r, [this](const torch::Tensor& qb, const torch::Tensor& rr) {
    return terms(qb.unsqueeze(1), rr.unsqueeze(0));
  });
}

torch::Tensor WeightedChi2Distance::paired(const torch::Tensor& a, const torch::Tensor& b) const {
  return terms(a, b);
}

DistanceRegistry::Entry weighted_chi2_entry() {
  return {"weighted_chi2",
          "learnable DeepFace chi²: sum w_i (x_i - y_i)² / max(x_i + y_i, eps), w = softplus(w_raw) >= 0",
          {real("eps", 1e-6, "lower clamp of the denominator x_i + y_i").above(0)},
          [](const Params& p, int64_t dim) -> std::shared_ptr<Distance> {
            SIAMESE_CHECK(dim > 0, ConfigError, "weighted_chi2 needs the embedding width (got ", dim, ")");
            return std::make_shared<WeightedChi2Distance>(dim, p.f("eps"));
          }};
}

}  // namespace siamese
