#include "siamese/distance/manhattan.h"

#include "siamese/distance/blocks.h"

namespace siamese {

torch::Tensor ManhattanDistance::pairwise(const torch::Tensor& q, const torch::Tensor& r) const {
  return detail::pairwise_in_blocks(q, r, [](const torch::Tensor& qb, const torch::Tensor& rr) {
    return (qb.unsqueeze(1) - rr.unsqueeze(0)).abs().sum(-1);
  });
}

torch::Tensor ManhattanDistance::paired(const torch::Tensor& a, const torch::Tensor& b) const {
  return (a - b).abs().sum(-1);
}

DistanceRegistry::Entry manhattan_entry() {
  return {"manhattan", "L1 distance sum |x_i - y_i| (Chopra 2005's energy)", {},
          [](const Params&, int64_t) { return std::make_shared<ManhattanDistance>(); }};
}

}  // namespace siamese
