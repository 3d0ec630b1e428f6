// The base of every loss on pairs: indices -> distances -> per-element terms -> reducer.
//
// terms(in) gathers the pair rows (loss/common.h), computes d = distance()->paired(first, second) — the
// loss's own distance or similarity, the one evaluation and mining use — and hands d, the same-pair mask
// and the data's per-pair weights to the loss's equation, pair_terms(); forward() reduces those terms with
// the loss's Reducer. A concrete loss writes only its equation (and, where it has one, an extra term added
// in its own forward(), such as DDML's weight penalty or DeepID2's identification term).
// Requires: LossInput::pairs (ConfigError naming the loss otherwise) and embeddings [B, d].
#pragma once

#include <memory>
#include <string>

#include "siamese/loss/loss.h"
#include "siamese/loss/reducer.h"

namespace siamese {

// What the equation of a pair loss sees, one entry per pair.
struct PairDistances {
  torch::Tensor d;       // [P] distance (or similarity) between the pair's rows
  torch::Tensor same;    // bool [P]
  torch::Tensor weight;  // [P] per-pair weight from the data, 1 where the data has none
};

class PairLoss : public Loss {
 public:
  // `module_name`: the key the distance is registered under (checkpoints keep it).
  PairLoss(const std::string& reducer, std::shared_ptr<Distance> distance, const std::string& module_name = "distance");
  torch::Tensor forward(const LossInput& in) override;  // reducer(terms(in))
  LossTerms terms(const LossInput& in) override;
  TupleKind consumes() const override { return TupleKind::kPairs; }
  std::shared_ptr<Distance> distance() const override { return distance_; }

  // The loss's equation: per-pair terms [P] from d [P] and the same mask (bool [P]).
  virtual torch::Tensor pair_terms(const torch::Tensor& d, const torch::Tensor& same) const = 0;
  // The same with the data's per-pair weights; the default ignores them (only weighted losses use them).
  virtual torch::Tensor weighted_pair_terms(const torch::Tensor& d, const torch::Tensor& same,
                                            const torch::Tensor& weight) const {
    return pair_terms(d, same);
  }

 protected:
  PairDistances pair_distances(const LossInput& in) const;
  const Reducer& reducer() const { return *reducer_; }

 private:
  std::shared_ptr<Reducer> reducer_;
  std::shared_ptr<Distance> distance_;
};

}  // namespace siamese
