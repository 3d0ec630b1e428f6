#include "siamese/train/tuples.h"

#include "siamese/core/error.h"
#include "siamese/mine/all_tuples.h"

namespace siamese {

TupleResolver::TupleResolver(TupleKind kind, std::shared_ptr<Miner> miner, std::shared_ptr<Distance> distance)
    : kind_(kind), miner_(std::move(miner)), distance_(std::move(distance)) {
  SIAMESE_ASSERT(distance_ != nullptr, "tuple resolution needs a distance");
}

void TupleResolver::resolve(LossInput& in) const {
  if (kind_ == TupleKind::kLabels) return;
  if (!in.pairs && !in.triplets) {
    if (miner_) {
      Mined mined = miner_->mine(in.embeddings.detach(), in.labels, *distance_);
      in.pairs = std::move(mined.pairs);
      in.triplets = std::move(mined.triplets);
    } else if (kind_ == TupleKind::kPairs) {
      in.pairs = all_pairs(in.labels);
    } else {
      in.triplets = AllTripletsMiner().mine(in.embeddings.detach(), in.labels, *distance_).triplets;
    }
  }
  if (kind_ == TupleKind::kPairs && !in.pairs && in.triplets) in.pairs = triplets_to_pairs(*in.triplets);
  if (kind_ == TupleKind::kTriplets && !in.triplets && in.pairs) in.triplets = pairs_to_triplets(*in.pairs);
}

std::shared_ptr<Distance> training_distance(const Loss& loss, const std::shared_ptr<Distance>& recipe_distance,
                                            int64_t dim) {
  if (recipe_distance) return recipe_distance;
  if (auto own = loss.distance()) return own;
  return make_distance("euclidean", dim);
}

}  // namespace siamese
