#include "siamese/loss/hinge_embedding.h"

#include "siamese/loss/common.h"

namespace siamese {

HingeEmbeddingLoss::HingeEmbeddingLoss(double margin, const std::string& reducer, std::shared_ptr<Distance> distance)
    : PairLoss(reducer, std::move(distance)), margin_(margin) {}

torch::Tensor HingeEmbeddingLoss::pair_terms(const torch::Tensor& d, const torch::Tensor& same) const {
  return torch::where(same, d, torch::clamp_min(margin_ - d, 0));
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
