#include "siamese/loss/triplet_margin.h"

#include "siamese/loss/common.h"

namespace siamese {

TripletMarginLoss::TripletMarginLoss(const TripletMarginOptions& o, std::shared_ptr<Distance> distance)
    : o_(o), distance_(std::move(distance)) {
  register_module("distance", distance_);
  eval_distance_ = o_.normalize ? std::make_shared<NormalizedDistance>(distance_) : distance_;
}

torch::Tensor TripletMarginLoss::terms(const torch::Tensor& a, const torch::Tensor& p, const torch::Tensor& n) const {
  auto fa = o_.normalize ? l2_normalize(a) : a;
  auto fp = o_.normalize ? l2_normalize(p) : p;
  auto fn = o_.normalize ? l2_normalize(n) : n;
  auto dp = distance_->paired(fa, fp), dn = distance_->paired(fa, fn);
  if (o_.squared) dp = dp.pow(2), dn = dn.pow(2);
  if (o_.soft) return torch::softplus(dp - dn);
  return torch::clamp_min(dp - dn + o_.margin, 0);
}

torch::Tensor TripletMarginLoss::forward(const LossInput& in) {
  auto t = gather_triplets(in, "triplet_margin");
  return reduce_terms(terms(t.a, t.p, t.n), o_.reducer);
}

LossRegistry::Entry triplet_margin_entry() {
  return {"triplet_margin",
          "FaceNet 2015: max(0, D(a,p) - D(a,n) + α), D squared L2 on normalised embeddings; soft: log(1 + e^(D(a,p) - D(a,n)))",
          {real("margin", 0.2, "margin α").above(0), boolean("squared", true, "compare squared distances (FaceNet)"),
           boolean("normalize", true, "L2-normalise the embeddings first (FaceNet)"),
           boolean("soft", false, "soft-margin variant log(1 + exp(D(a,p) - D(a,n)))"), reducer_param()},
          [](const Params& p, const LossContext& ctx) {
            TripletMarginOptions o;
            o.margin = p.f("margin");
            o.squared = p.b("squared");
            o.normalize = p.b("normalize");
            o.soft = p.b("soft");
            o.reducer = p.s("reducer");
            return std::make_shared<TripletMarginLoss>(o, distance_or(ctx, "euclidean", "triplet_margin"));
          }};
}

}  // namespace siamese
