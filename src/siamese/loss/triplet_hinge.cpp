#include "siamese/loss/triplet_hinge.h"

#include "siamese/loss/common.h"

namespace siamese {

TripletHingeLoss::TripletHingeLoss(double gap, bool normalize, std::string reducer, std::shared_ptr<Distance> distance)
    : gap_(gap), normalize_(normalize), reducer_(std::move(reducer)), distance_(std::move(distance)) {
  register_module("distance", distance_);
  eval_distance_ = normalize_ ? std::make_shared<NormalizedDistance>(distance_) : distance_;
}

torch::Tensor TripletHingeLoss::terms(const torch::Tensor& a, const torch::Tensor& p, const torch::Tensor& n) const {
  auto fa = normalize_ ? l2_normalize(a) : a;
  auto fp = normalize_ ? l2_normalize(p) : p;
  auto fn = normalize_ ? l2_normalize(n) : n;
  auto dp = distance_->paired(fa, fp).pow(2), dn = distance_->paired(fa, fn).pow(2);
  return torch::clamp_min(gap_ + dp - dn, 0);
}

torch::Tensor TripletHingeLoss::forward(const LossInput& in) {
  auto t = gather_triplets(in, "triplet_hinge");
  return reduce_terms(terms(t.a, t.p, t.n), reducer_);
}

LossRegistry::Entry triplet_hinge_entry() {
  return {"triplet_hinge", "Wang 2014 Deep Ranking: max(0, g + D(a,p) - D(a,n)), D squared L2 on L2-normalised embeddings",
          {real("gap", 1.0, "gap g between the positive and the negative squared distance").above(0),
           boolean("normalize", true, "L2-normalise the embeddings first (the paper does)"), reducer_param()},
          [](const Params& p, const LossContext& ctx) {
            return std::make_shared<TripletHingeLoss>(p.f("gap"), p.b("normalize"), p.s("reducer"),
                                                      distance_or(ctx, "euclidean", "triplet_hinge"));
          }};
}

}  // namespace siamese
