// In-batch miners: which pairs / triplets of a computed batch get a gradient.
//
// mine() sees detached embeddings (no gradient flows through mining) and the batch labels and returns
// index tuples into the batch. Hardness is read from the distance: for a distance (is_similarity() false)
// a positive is harder the larger its distance and a negative the smaller; for a similarity the other way
// round. Memory is O(B^2) for a batch of B, never O(B^3): triplets are enumerated from [B, B] masks, per
// anchor or in chunks of anchors. Every miner records the largest temporary tensor it allocated
// (peak_temporary_elements(), outputs excluded) so tests can assert the bound.
// Mining is a pure function of (embeddings, labels): a miner that subsamples seeds its generator from a
// hash of the batch, so a resumed run mines exactly as an uninterrupted one.
#pragma once

#include <torch/torch.h>

#include <algorithm>

#include "siamese/core/registry.h"
#include "siamese/core/tuples.h"
#include "siamese/distance/distance.h"

namespace siamese {

struct Mined {
  std::optional<Pairs> pairs;
  std::optional<Triplets> triplets;
};

class Miner {
 public:
  virtual ~Miner() = default;
  virtual Mined mine(const torch::Tensor& embeddings, const torch::Tensor& labels, const Distance& dist) const = 0;
  // Elements of the largest temporary tensor the last mine() call allocated (outputs excluded).
  int64_t peak_temporary_elements() const { return peak_; }

 protected:
  void reset_peak() const { peak_ = 0; }
  void note(const torch::Tensor& t) const { peak_ = std::max<int64_t>(peak_, t.numel()); }

 private:
  mutable int64_t peak_ = 0;
};

// The batch's [B, B] "hardness distance": dist.pairwise(e, e), negated for a similarity, so that larger
// always means farther.
torch::Tensor mining_distance(const torch::Tensor& embeddings, const Distance& dist);

using MinerRegistry = Registry<Miner>;
const MinerRegistry& miner_registry();

}  // namespace siamese
