#include "siamese/loss/cosine_target.h"

#include "siamese/core/error.h"
#include "siamese/loss/common.h"

namespace siamese {

CosineTargetLoss::CosineTargetLoss(std::string reducer, std::shared_ptr<Distance> similarity)
    : reducer_(std::move(reducer)), similarity_(std::move(similarity)) {
  SIAMESE_CHECK(similarity_->is_similarity(), ConfigError,
                "the 'cosine_target' loss needs a similarity (cosine), not the distance '", similarity_->name(), "'");
  register_module("similarity", similarity_);
}

torch::Tensor CosineTargetLoss::terms(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& same) const {
  auto c = similarity_->paired(a, b);
  auto t = torch::where(same, torch::ones_like(c), -torch::ones_like(c));
  return 0.5 * (c - t).pow(2);
}

torch::Tensor CosineTargetLoss::forward(const LossInput& in) {
  auto p = gather_pairs(in, "cosine_target");
  return reduce_terms(terms(p.a, p.b, p.same), reducer_);
}

LossRegistry::Entry cosine_target_entry() {
  return {"cosine_target", "Bromley 1994: ½(cos - t)², t = +1 genuine, -1 forgery", {reducer_param()},
          [](const Params& p, const LossContext& ctx) {
            return std::make_shared<CosineTargetLoss>(p.s("reducer"),
                                                      ctx.distance ? ctx.distance : make_distance("cosine", ctx.embedding_dim));
          }};
}

}  // namespace siamese
