#include "siamese/loss/weighted_contrastive.h"

#include "siamese/loss/common.h"

namespace siamese {

WeightedContrastiveLoss::WeightedContrastiveLoss(double margin, const std::string& reducer,
                                                 std::shared_ptr<Distance> distance)
    : PairLoss(reducer, std::move(distance)), margin_(margin) {}

torch::Tensor WeightedContrastiveLoss::weighted_pair_terms(const torch::Tensor& d, const torch::Tensor& same,
                                                           const torch::Tensor& weight) const {
  auto d2 = d.pow(2);
  return torch::where(same, weight * d2, torch::clamp_min(margin_ - d2, 0));
}

torch::Tensor WeightedContrastiveLoss::pair_terms(const torch::Tensor& d, const torch::Tensor& same) const {
  return weighted_pair_terms(d, same, torch::ones_like(d));
}

LossRegistry::Entry weighted_contrastive_entry() {
  return {"weighted_contrastive",
          "Carlevaris-Bianco 2014: s_ij·d² matching (s_ij = Pairs::weight, default 1), max(m - d², 0) otherwise",
          {real("margin", 1.0, "margin m on the squared distance (the paper's 1)").above(0), reducer_param("caffe")},
          [](const Params& p, const LossContext& ctx) {
            return std::make_shared<WeightedContrastiveLoss>(p.f("margin"), p.s("reducer"),
                                                             distance_or(ctx, "euclidean", "weighted_contrastive"));
          }};
}

}  // namespace siamese
