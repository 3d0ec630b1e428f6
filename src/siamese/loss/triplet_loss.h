// The base of every loss on triplets: indices -> distances -> per-element terms -> reducer.
//
// terms(in) gathers the anchor, positive and negative rows (loss/common.h), computes
// d_ap = distance()->paired(a, p) and d_an = distance()->paired(a, n) — the loss's own distance, the one
// evaluation and mining use; with `normalize` it is the given distance on L2-normalised embeddings
// (NormalizedDistance) — and hands them to the loss's equation, triplet_terms(); forward() reduces those
// terms with the loss's Reducer (one that needs a same-pair mask is not allowed: reducer_param(def, false)).
// Requires: LossInput::triplets (ConfigError naming the loss otherwise) and embeddings [B, d].
#pragma once

#include <memory>
#include <string>

#include "siamese/loss/loss.h"
#include "siamese/loss/reducer.h"

namespace siamese {

class TripletLoss : public Loss {
 public:
  // The given distance is registered as "distance" (checkpoints keep it); normalisation has no state.
  TripletLoss(const std::string& reducer, std::shared_ptr<Distance> distance, bool normalize = false);
  torch::Tensor forward(const LossInput& in) override;  // reducer(terms(in))
  LossTerms terms(const LossInput& in) override;
  TupleKind consumes() const override { return TupleKind::kTriplets; }
  std::shared_ptr<Distance> distance() const override { return compared_; }

  // The loss's equation: per-triplet terms [T] from d(a, p) [T] and d(a, n) [T].
  virtual torch::Tensor triplet_terms(const torch::Tensor& d_ap, const torch::Tensor& d_an) const = 0;

 private:
  std::shared_ptr<Reducer> reducer_;
  std::shared_ptr<Distance> distance_, compared_;  // compared_: distance_, on normalised rows if asked
};

}  // namespace siamese
