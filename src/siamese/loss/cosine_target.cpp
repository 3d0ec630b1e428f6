#include "siamese/loss/cosine_target.h"

#include "siamese/core/error.h"

namespace siamese {

CosineTargetLoss::CosineTargetLoss(const std::string& reducer, std::shared_ptr<Distance> similarity)
    : PairLoss(reducer, std::move(similarity), "similarity") {
  SIAMESE_CHECK(distance()->is_similarity(), ConfigError,
                "the 'cosine_target' loss needs a similarity (cosine), not the distance '", distance()->name(), "'");
}

torch::Tensor CosineTargetLoss::pair_terms(const torch::Tensor& c, const torch::Tensor& same) const {
  auto t = torch::where(same, torch::ones_like(c), -torch::ones_like(c));
  return 0.5 * (c - t).pow(2);
}

LossRegistry::Entry cosine_target_entry() {
  return {"cosine_target", "Bromley 1994: ½(cos - t)², t = +1 genuine, -1 forgery", {reducer_param()},
          [](const Params& p, const LossContext& ctx) {
            return std::make_shared<CosineTargetLoss>(p.s("reducer"),
                                                      ctx.distance ? ctx.distance : make_distance("cosine", ctx.embedding_dim));
          }};
}

}  // namespace siamese
