#include "siamese/loss/triplet_margin.h"

#include "siamese/loss/common.h"

namespace siamese {

TripletMarginLoss::TripletMarginLoss(const TripletMarginOptions& o, std::shared_ptr<Distance> distance)
    : TripletLoss(o.reducer, std::move(distance), o.normalize), o_(o) {}

torch::Tensor TripletMarginLoss::triplet_terms(const torch::Tensor& d_ap, const torch::Tensor& d_an) const {
  auto dp = o_.squared ? d_ap.pow(2) : d_ap, dn = o_.squared ? d_an.pow(2) : d_an;
  if (o_.soft) return torch::softplus(dp - dn);
  return torch::clamp_min(dp - dn + o_.margin, 0);
}

LossRegistry::Entry triplet_margin_entry() {
  return {"triplet_margin",
          "FaceNet 2015: max(0, D(a,p) - D(a,n) + α), D squared L2 on normalised embeddings; soft: log(1 + e^(D(a,p) - D(a,n)))",
          {real("margin", 0.2, "margin α").above(0), boolean("squared", true, "compare squared distances (FaceNet)"),
           boolean("normalize", true, "L2-normalise the embeddings first (FaceNet)"),
           boolean("soft", false, "soft-margin variant log(1 + exp(D(a,p) - D(a,n)))"), reducer_param("mean", false)},
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
