#include "siamese/loss/contrastive.h"

#include "siamese/core/error.h"

namespace siamese {

ContrastiveLoss::ContrastiveLoss(double margin, bool legacy, std::string reducer,
                                 std::shared_ptr<Distance> distance)
    : margin_(margin), legacy_(legacy), reducer_(std::move(reducer)), distance_(std::move(distance)) {
  if (!distance_) distance_ = make_distance("euclidean", 0);
  SIAMESE_CHECK(!distance_->is_similarity(), ConfigError,
                "contrastive loss needs a distance, not the similarity '", distance_->name(), "'");
  register_module("distance", distance_);
}

torch::Tensor ContrastiveLoss::terms(const torch::Tensor& a, const torch::Tensor& b,
                                     const torch::Tensor& same) const {
  auto d = distance_->paired(a, b);
  auto similar = 0.5 * d.pow(2);
  auto dissimilar = legacy_ ? 0.5 * torch::clamp_min(margin_ - d.pow(2), 0)
                            : 0.5 * torch::clamp_min(margin_ - d, 0).pow(2);
  return torch::where(same, similar, dissimilar);
}

torch::Tensor ContrastiveLoss::forward(const LossInput& in) {
  SIAMESE_ASSERT(in.pairs.has_value(), "contrastive loss needs pairs");
  const Pairs& p = *in.pairs;
  auto a = in.embeddings.index_select(0, p.first);
  auto b = in.embeddings.index_select(0, p.second);
  return reduce_terms(terms(a, b, p.same), reducer_);
}

LossRegistry::Entry contrastive_entry() {
  return {"contrastive",
          "DrLIM (Hadsell 2006): ½d² similar, ½max(0, m - d)² dissimilar, d unsquared",
          {real("margin", 1.0, "margin m on the unsquared distance").above(0), reducer_param()},
          [](const Params& p, const LossContext& ctx) {
            return std::make_shared<ContrastiveLoss>(p.f("margin"), false, p.s("reducer"), ctx.distance);
          }};
}

LossRegistry::Entry contrastive_legacy_entry() {
  return {"contrastive_legacy",
          "Caffe 2014 ContrastiveLoss: ½d² similar, ½max(0, m - d²) dissimilar (margin on d²)",
          {real("margin", 1.0, "margin m on the squared distance").above(0), reducer_param()},
          [](const Params& p, const LossContext& ctx) {
            return std::make_shared<ContrastiveLoss>(p.f("margin"), true, p.s("reducer"), ctx.distance);
          }};
}

}  // namespace siamese
