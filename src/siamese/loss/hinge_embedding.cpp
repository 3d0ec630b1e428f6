#include "siamese/loss/hinge_embedding.h"

#include "siamese/loss/common.h"

namespace siamese {

HingeEmbeddingLoss::HingeEmbeddingLoss(double margin, std::string reducer, std::shared_ptr<Distance> distance)
    : margin_(margin), reducer_(std::move(reducer)), distance_(std::move(distance)) {
  register_module("distance", distance_);
}

torch::Tensor HingeEmbeddingLoss::terms(const torch::Tensor& a, const torch::Tensor& b,
                                        const torch::Tensor& same) const {
  auto d = distance_->paired(a, b);
  return torch::where(same, d, torch::clamp_min(margin_ - d, 0));
}

torch::Tensor HingeEmbeddingLoss::forward(const LossInput& in) {
  auto p = gather_pairs(in, "hinge_embedding");
  return reduce_terms(terms(p.a, p.b, p.same), reducer_);
}

LossRegistry::Entry hinge_embedding_entry() {
  return {"hinge_embedding", "Simo-Serra 2014 (Fracking): d for matches, max(0, m - d) otherwise, d unsquared",
          {real("margin", 1.0, "margin m on the unsquared distance").above(0), reducer_param()},
          [](const Params& p, const LossContext& ctx) {
            return std::make_shared<HingeEmbeddingLoss>(p.f("margin"), p.s("reducer"),
                                                        distance_or(ctx, "euclidean", "hinge_embedding"));
          }};
}

}  // namespace siamese
