#include "siamese/mine/all_tuples.h"

namespace siamese {

torch::Tensor mining_distance(const torch::Tensor& embeddings, const Distance& dist) {
  torch::NoGradGuard no_grad;
  auto e = embeddings.detach();
  auto d = dist.pairwise(e, e);
  return dist.is_similarity() ? -d : d;
}

Pairs all_pairs(const torch::Tensor& labels) {
  const int64_t b = labels.size(0);
  auto idx = torch::triu_indices(b, b, 1);
  Pairs p;
  p.first = idx[0].contiguous();
  p.second = idx[1].contiguous();
  p.same = labels.index_select(0, p.first) == labels.index_select(0, p.second);
  return p;
}

Mined AllPairsMiner::mine(const torch::Tensor&, const torch::Tensor& labels, const Distance&) const {
  reset_peak();
  Mined m;
  m.pairs = all_pairs(labels);
  note(m.pairs->first);
  return m;
}

Mined AllTripletsMiner::mine(const torch::Tensor&, const torch::Tensor& labels, const Distance&) const {
  reset_peak();
  const int64_t b = labels.size(0);
  auto same = labels.unsqueeze(0) == labels.unsqueeze(1);
  auto pos = same & ~torch::eye(b, torch::kBool);
  auto neg = ~same;
  note(pos);
  auto pos_count = pos.sum(1), neg_count = neg.sum(1);
  auto per_anchor = (pos_count * neg_count).contiguous();
  const int64_t total = per_anchor.sum().item<int64_t>();
  Triplets t;
  t.anchor = torch::empty({total}, torch::kLong);
  t.positive = torch::empty({total}, torch::kLong);
  t.negative = torch::empty({total}, torch::kLong);
  // Per anchor: its positives x its negatives, written straight into the output (temporaries O(B^2)).
  int64_t at = 0;
  for (int64_t i = 0; i < b; ++i) {
    const int64_t count = per_anchor.data_ptr<int64_t>()[i];
    if (count == 0) continue;
    auto ps = pos[i].nonzero().flatten();
    auto ns = neg[i].nonzero().flatten();
    t.anchor.slice(0, at, at + count).fill_(i);
    auto rep = ps.repeat_interleave(ns.numel());
    note(rep);
    t.positive.slice(0, at, at + count).copy_(rep);
    t.negative.slice(0, at, at + count).copy_(ns.repeat(ps.numel()));
    at += count;
  }
  Mined m;
  m.triplets = t;
  return m;
}

MinerRegistry::Entry all_pairs_entry() {
  return {"all_pairs", "every pair i < j of the batch", {},
          [](const Params&) { return std::make_shared<AllPairsMiner>(); }};
}
MinerRegistry::Entry all_triplets_entry() {
  return {"all_triplets", "every valid (anchor, positive, negative) of the batch", {},
          [](const Params&) { return std::make_shared<AllTripletsMiner>(); }};
}

}  // namespace siamese
