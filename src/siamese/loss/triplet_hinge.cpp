#include "siamese/loss/triplet_hinge.h"

#include "siamese/loss/common.h"

namespace siamese {

TripletHingeLoss::TripletHingeLoss(double gap, bool normalize, const std::string& reducer,
                                   std::shared_ptr<Distance> distance)
    : TripletLoss(reducer, std::move(distance), normalize), gap_(gap) {}

torch::Tensor TripletHingeLoss::triplet_terms(const torch::Tensor& d_ap, const torch::Tensor& d_an) const {
  return torch::clamp_min(gap_ + d_ap.pow(2) - d_an.pow(2), 0);
}

LossRegistry::Entry triplet_hinge_entry() {
  return {"triplet_hinge", "Wang 2014 Deep Ranking: max(0, g + D(a,p) - D(a,n)), D squared L2 on L2-normalised embeddings",
          {real("gap", 1.0, "gap g between the positive and the negative squared distance").above(0),
           boolean("normalize", true, "L2-normalise the embeddings first (the paper does)"), reducer_param("mean", false)},
          [](const Params& p, const LossContext& ctx) {
            return std::make_shared<TripletHingeLoss>(p.f("gap"), p.b("normalize"), p.s("reducer"),
                                                      distance_or(ctx, "euclidean", "triplet_hinge"));
          }};
}

}  // namespace siamese
