#include "siamese/loss/triplet_loss.h"

#include "siamese/core/error.h"
#include "siamese/loss/common.h"

namespace siamese {

TripletLoss::TripletLoss(const std::string& reducer, std::shared_ptr<Distance> distance, bool normalize)
    : reducer_(make_reducer(reducer)), distance_(std::move(distance)) {
  SIAMESE_ASSERT(distance_ != nullptr, "a triplet loss needs a distance");
  SIAMESE_CHECK(!reducer_->needs_same(), ConfigError, "the reducer '", reducer,
                "' needs pair terms; a triplet loss has triplet terms");
  register_module("distance", distance_);
  compared_ = normalize ? std::make_shared<NormalizedDistance>(distance_) : distance_;
}

LossTerms TripletLoss::terms(const LossInput& in) {
  auto rows = gather_triplets(in, name().empty() ? std::string("triplet") : name());
  auto t = triplet_terms(compared_->paired(rows.a, rows.p), compared_->paired(rows.a, rows.n));
  return {TupleKind::kTriplets, t, torch::Tensor()};
}

torch::Tensor TripletLoss::forward(const LossInput& in) {
  auto t = terms(in);
  return reducer_->reduce(t.terms, t.same);
}

}  // namespace siamese
