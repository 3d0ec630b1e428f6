#include "siamese/loss/contrastive.h"

#include "siamese/core/error.h"

namespace siamese {

namespace {
std::shared_ptr<Distance> checked(std::shared_ptr<Distance> distance) {
  if (!distance) distance = make_distance("euclidean", 0);
  SIAMESE_CHECK(!distance->is_similarity(), ConfigError, "contrastive loss needs a distance, not the similarity '",
                distance->name(), "'");
  return distance;
}
}  // namespace

ContrastiveLoss::ContrastiveLoss(double margin, bool legacy, const std::string& reducer,
                                 std::shared_ptr<Distance> distance)
    : PairLoss(reducer, checked(std::move(distance))), margin_(margin), legacy_(legacy) {}

torch::Tensor ContrastiveLoss::pair_terms(const torch::Tensor& d, const torch::Tensor& same) const {
  auto similar = 0.5 * d.pow(2);
  auto dissimilar = legacy_ ? 0.5 * torch::clamp_min(margin_ - d.pow(2), 0)
                            : 0.5 * torch::clamp_min(margin_ - d, 0).pow(2);
  return torch::where(same, similar, dissimilar);
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
