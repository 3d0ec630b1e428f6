#include "siamese/distance/weighted_l1.h"

#include <cmath>

#include "siamese/core/error.h"
#include "siamese/distance/blocks.h"

namespace siamese {

WeightedL1Distance::WeightedL1Distance(int64_t dim) {
  alpha_raw_ = register_parameter("alpha_raw", torch::full({dim}, std::log(std::exp(1.0) - 1.0), torch::kFloat));
}

torch::Tensor WeightedL1Distance::weights() const { return torch::softplus(alpha_raw_); }

torch::Tensor WeightedL1Distance::pairwise(const torch::Tensor& q, const torch::Tensor& r) const {
  auto w = weights().to(q.scalar_type());
  return detail::pairwise_in_blocks(q, r, [&w](const torch::Tensor& qb, const torch::Tensor& rr) {
    return (w * (qb.unsqueeze(1) - rr.unsqueeze(0)).abs()).sum(-1);
  });
}

torch::Tensor WeightedL1Distance::paired(const torch::Tensor& a, const torch::Tensor& b) const {
  return (weights().to(a.scalar_type()) * (a - b).abs()).sum(-1);
}

DistanceRegistry::Entry weighted_l1_entry() {
  return {"weighted_l1", "learnable DeepFace Siamese metric sum alpha_i |x_i - y_i|, alpha = softplus(alpha_raw) >= 0",
          {},
          [](const Params&, int64_t dim) -> std::shared_ptr<Distance> {
            SIAMESE_CHECK(dim > 0, ConfigError, "weighted_l1 needs the embedding width (got ", dim, ")");
            return std::make_shared<WeightedL1Distance>(dim);
          }};
}

}  // namespace siamese
