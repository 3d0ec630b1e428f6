#include "siamese/loss/triplet_softmax.h"

#include "siamese/loss/common.h"

namespace siamese {

TripletSoftmaxLoss::TripletSoftmaxLoss(const std::string& reducer, std::shared_ptr<Distance> distance)
    : TripletLoss(reducer, std::move(distance)) {}

torch::Tensor TripletSoftmaxLoss::triplet_terms(const torch::Tensor& d_ap, const torch::Tensor& d_an) const {
  auto s_plus = torch::sigmoid(d_ap - d_an);
  return 2.0 * s_plus.pow(2);
}

LossRegistry::Entry triplet_softmax_entry() {
  return {"triplet_softmax", "Hoffer 2014 TripletNet: softmax over (d+, d-) unsquared, squared error to (0, 1) = 2 s+²",
          {reducer_param("mean", false)},
          [](const Params& p, const LossContext& ctx) {
            return std::make_shared<TripletSoftmaxLoss>(p.s("reducer"), distance_or(ctx, "euclidean", "triplet_softmax"));
          }};
}

}  // namespace siamese
