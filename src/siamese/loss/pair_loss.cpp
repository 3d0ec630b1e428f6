#include "siamese/loss/pair_loss.h"

#include "siamese/core/error.h"
#include "siamese/loss/common.h"

namespace siamese {

PairLoss::PairLoss(const std::string& reducer, std::shared_ptr<Distance> distance, const std::string& module_name)
    : reducer_(make_reducer(reducer)), distance_(std::move(distance)) {
  SIAMESE_ASSERT(distance_ != nullptr, "a pair loss needs a distance");
  register_module(module_name, distance_);
}

PairDistances PairLoss::pair_distances(const LossInput& in) const {
  auto rows = gather_pairs(in, name().empty() ? std::string("pair") : name());
  return {distance_->paired(rows.a, rows.b), rows.same, rows.weight};
}

LossTerms PairLoss::terms(const LossInput& in) {
  auto p = pair_distances(in);
  return {TupleKind::kPairs, weighted_pair_terms(p.d, p.same, p.weight), p.same};
}

torch::Tensor PairLoss::forward(const LossInput& in) {
  auto t = terms(in);
  return reducer_->reduce(t.terms, t.same);
}

}  // namespace siamese
