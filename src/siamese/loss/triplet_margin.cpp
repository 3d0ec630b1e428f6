#include "siamese/loss/triplet_margin.h"

#include "siamese/core/options.h"
#include "siamese/loss/common.h"

namespace siamese {

TripletMarginLoss::TripletMarginLoss(const TripletMarginOptions& o, std::shared_ptr<Distance> distance)
    : TripletLoss(o.reducer, std::move(distance), o.normalize), o_(o) {}

torch::Tensor TripletMarginLoss::triplet_terms(const torch::Tensor& d_ap, const torch::Tensor& d_an) const {
  auto dp = o_.squared ? d_ap.pow(2) : d_ap, dn = o_.squared ? d_an.pow(2) : d_an;
  if (o_.soft) return torch::softplus(dp - dn);
  return torch::clamp_min(dp - dn + o_.margin, 0);
}

namespace {

const OptionBinder<TripletMarginOptions>& triplet_margin_binder() {
  static const auto b = [] {
    using O = TripletMarginOptions;
    OptionBinder<O> b;
    b.add("margin", &O::margin, "margin α").above(0);
    b.add("squared", &O::squared, "compare squared distances (FaceNet)");
    b.add("normalize", &O::normalize, "L2-normalise the embeddings first (FaceNet)");
    b.add("soft", &O::soft, "soft-margin variant log(1 + exp(D(a,p) - D(a,n)))");
    b.add(reducer_param("mean", false), &O::reducer);
    return b;
  }();
  return b;
}

}  // namespace

LossRegistry::Entry triplet_margin_entry() {
  return {"triplet_margin",
          "FaceNet 2015: max(0, D(a,p) - D(a,n) + α), D squared L2 on normalised embeddings; soft: log(1 + e^(D(a,p) - D(a,n)))",
          triplet_margin_binder().schema(), [](const Params& p, const LossContext& ctx) {
            return std::make_shared<TripletMarginLoss>(triplet_margin_binder().bind(p),
                                                       distance_or(ctx, "euclidean", "triplet_margin"));
          }};
}

}  // namespace siamese
