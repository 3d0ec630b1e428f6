// Tuple resolution: which pairs / triplets of a batch the loss gets.
//
// In order: tuples the sampler produced (explicit pair or triplet data) are kept; otherwise the recipe's
// [miner] mines them from the batch's DETACHED embeddings; otherwise every pair (pair losses) or every
// valid triplet (triplet losses) of the batch is used. Pairs and triplets are then converted where the
// loss needs the other kind (core/tuples.h). Labels-only losses get no tuples.
//
// The distance mining reads hardness from is the LOSS's distance (the recipe's [distance], else the
// paper's own distance of the loss, else Euclidean) — never the [eval] distance: evaluation options must
// not change what is trained.
#pragma once

#include <memory>

#include "siamese/loss/loss.h"
#include "siamese/mine/miner.h"

namespace siamese {

class TupleResolver {
 public:
  // `miner` may be null (no [miner]); `distance` must not be.
  TupleResolver(TupleKind kind, std::shared_ptr<Miner> miner, std::shared_ptr<Distance> distance);
  // Fills in.pairs / in.triplets as described above; in.embeddings and in.labels must be set.
  void resolve(LossInput& in) const;
  const std::shared_ptr<Distance>& distance() const { return distance_; }

 private:
  TupleKind kind_;
  std::shared_ptr<Miner> miner_;
  std::shared_ptr<Distance> distance_;
};

// The distance a loss trains with: `recipe_distance` when the recipe names one, else the loss's own,
// else Euclidean on `dim`-wide embeddings.
std::shared_ptr<Distance> training_distance(const Loss& loss, const std::shared_ptr<Distance>& recipe_distance,
                                            int64_t dim);

}  // namespace siamese
