#include "siamese/loss/triplet_softmax.h"

#include "siamese/loss/common.h"

namespace siamese {

TripletSoftmaxLoss::TripletSoftmaxLoss(std::string reducer, std::shared_ptr<Distance> distance)
    : reducer_(std::move(reducer)), distance_(std::move(distance)) {
  register_module("distance", distance_);
}

torch::Tensor TripletSoftmaxLoss::terms(const torch::Tensor& a, const torch::Tensor& p, const torch::Tensor& n) const {
  auto s_plus = torch::sigmoid(distance_->paired(a, p) - distance_->paired(a, n));
  return 2.0 * s_plus.pow(2);
}

torch::Tensor TripletSoftmaxLoss::forward(const LossInput& in) {
  auto t = gather_triplets(in, "triplet_softmax");
  return reduce_terms(terms(t.a, t.p, t.n), reducer_);
}

LossRegistry::Entry triplet_softmax_entry() {
  return {"triplet_softmax", "Hoffer 2014 TripletNet: softmax over (d+, d-) unsquared, squared error to (0, 1) = 2 s+²",
          {reducer_param()},
          [](const Params& p, const LossContext& ctx) {
            return std::make_shared<TripletSoftmaxLoss>(p.s("reducer"), distance_or(ctx, "euclidean", "triplet_softmax"));
          }};
}

}  // namespace siamese
