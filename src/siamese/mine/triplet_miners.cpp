#include "siamese/mine/triplet_miners.h"

#include <limits>

namespace siamese {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Masks {
  torch::Tensor pos, neg;  // bool [B, B]
};

Masks masks(const torch::Tensor& labels) {
  const int64_t b = labels.size(0);
  auto same = labels.unsqueeze(0) == labels.unsqueeze(1);
  return {same & ~torch::eye(b, torch::kBool), ~same};
}

Triplets make_triplets(const torch::Tensor& a, const torch::Tensor& p, const torch::Tensor& n) {
  Triplets t;
  t.anchor = a.to(torch::kLong).contiguous();
  t.positive = p.to(torch::kLong).contiguous();
  t.negative = n.to(torch::kLong).contiguous();
  return t;
}

}  // namespace

Mined BatchHardMiner::mine(const torch::Tensor& embeddings, const torch::Tensor& labels, const Distance& dist) const {
  reset_peak();
  auto d = mining_distance(embeddings, dist).to(torch::kFloat64);
  auto m = masks(labels);
  note(d);
  auto hardest_pos = std::get<1>(d.masked_fill(~m.pos, -kInf).max(1));
  auto hardest_neg = std::get<1>(d.masked_fill(~m.neg, kInf).min(1));
  auto valid = (m.pos.any(1) & m.neg.any(1)).nonzero().flatten();
  Mined out;
  out.triplets = make_triplets(valid, hardest_pos.index_select(0, valid), hardest_neg.index_select(0, valid));
  return out;
}

Mined SemiHardMiner::mine(const torch::Tensor& embeddings, const torch::Tensor& labels, const Distance& dist) const {
  reset_peak();
  const int64_t b = labels.size(0);
  auto d = mining_distance(embeddings, dist).to(torch::kFloat64).contiguous();
  auto m = masks(labels);
  note(d);
  auto [neg_sorted, neg_order] = d.masked_fill(~m.neg, kInf).sort(/*stable=*/true, /*dim=*/1, /*descending=*/false);
  note(neg_sorted);
  // For every (a, p): the first negative of row a strictly farther than d(a, p).
  auto first = torch::searchsorted(neg_sorted, d, /*out_int32=*/false, /*right=*/true);  // [B, B]
  auto in_range = first < b;
  auto at = first.clamp_max(b - 1);
  auto cand = neg_sorted.gather(1, at);
  auto ok = m.pos & in_range & torch::isfinite(cand);
  if (margin_ > 0) ok &= cand < d + margin_;
  auto ap = ok.nonzero();  // [T, 2]
  auto a = ap.select(1, 0), p = ap.select(1, 1);
  auto n = neg_order.gather(1, at).index({a, p});
  Mined out;
  out.triplets = make_triplets(a, p, n);
  return out;
}

MinerRegistry::Entry batch_hard_entry() {
  return {"batch_hard", "per anchor: the farthest positive and the closest negative of the batch", {},
          [](const Params&) { return std::make_shared<BatchHardMiner>(); }};
}

MinerRegistry::Entry semi_hard_entry() {
  return {"semi_hard", "per positive pair: the closest negative with d(a,p) < d(a,n) < d(a,p) + margin",
          {real("margin", 0.2, "upper bound of the semi-hard band (0 = none)").at_least(0)},
          [](const Params& p) { return std::make_shared<SemiHardMiner>(p.f("margin")); }};
}

}  // namespace siamese
