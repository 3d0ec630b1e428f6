#include "siamese/mine/hard_pairs.h"

#include <cstring>
#include <random>

#include "siamese/core/options.h"
#include "siamese/mine/all_tuples.h"

namespace siamese {

namespace {

// FNV-1a over the labels and the embedding bits: a seed that is a pure function of the batch.
uint64_t batch_hash(const torch::Tensor& embeddings, const torch::Tensor& labels) {
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](const torch::Tensor& t) {
    auto c = t.detach().contiguous().cpu();
    const auto* p = static_cast<const unsigned char*>(c.data_ptr());
    const size_t n = static_cast<size_t>(c.numel()) * c.element_size();
    for (size_t k = 0; k < n; ++k) h = (h ^ p[k]) * 1099511628211ULL;
  };
  mix(labels);
  mix(embeddings);
  return h;
}

// Indices (into `cand`) of the `keep` candidates with the largest `score`, ties to the smaller index.
torch::Tensor top_by_score(const torch::Tensor& score, int64_t keep) {
  // Stable descending sort keeps equal scores in increasing index order.
  auto order = std::get<1>(score.sort(/*stable=*/true, /*dim=*/0, /*descending=*/true));
  return order.slice(0, 0, keep);
}

}  // namespace

Mined HardPairsMiner::mine(const torch::Tensor& embeddings, const torch::Tensor& labels, const Distance& dist) const {
  reset_peak();
  auto d = mining_distance(embeddings, dist);  // [B, B], larger = farther
  note(d);
  Pairs all = all_pairs(labels);
  auto pd = d.index({all.first, all.second});  // [B(B-1)/2]
  note(pd);
  std::mt19937_64 rng(batch_hash(embeddings, labels));
  std::vector<torch::Tensor> keep;
  for (int side = 0; side < 2; ++side) {
    const bool positive = side == 0;
    auto cand = (positive ? all.same : ~all.same).nonzero().flatten();
    const int64_t available = cand.numel();
    const int64_t r = positive ? o_.r_p : o_.r_n;
    const int64_t s = positive ? o_.positives : o_.negatives;
    if (available == 0) continue;
    int64_t keep_n;
    if (s > 0) {
      if (available > r * s) {  // sample the r*s candidates (a seeded partial Fisher-Yates)
        std::vector<int64_t> idx(static_cast<size_t>(available));
        for (int64_t k = 0; k < available; ++k) idx[static_cast<size_t>(k)] = k;
        for (int64_t k = 0; k < r * s; ++k) {
          const int64_t j = k + std::uniform_int_distribution<int64_t>(0, available - 1 - k)(rng);
          std::swap(idx[static_cast<size_t>(k)], idx[static_cast<size_t>(j)]);
        }
        idx.resize(static_cast<size_t>(r * s));
        std::sort(idx.begin(), idx.end());
        cand = cand.index_select(0, torch::tensor(idx, torch::kLong));
      }
      keep_n = std::min<int64_t>(s, cand.numel());
    } else {
      keep_n = (available + r - 1) / r;
    }
    auto score = pd.index_select(0, cand);
    if (!positive) score = -score;  // the closest negatives have the largest loss
    keep.push_back(cand.index_select(0, top_by_score(score, keep_n)));
  }
  auto chosen = keep.empty() ? torch::empty({0}, torch::kLong) : std::get<0>(torch::cat(keep).sort());
  Pairs p;
  p.first = all.first.index_select(0, chosen);
  p.second = all.second.index_select(0, chosen);
  p.same = all.same.index_select(0, chosen);
  Mined m;
  m.pairs = p;
  return m;
}

namespace {

const OptionBinder<HardPairsOptions>& hard_pairs_binder() {
  static const auto b = [] {
    OptionBinder<HardPairsOptions> b;
    b.add("r_p", &HardPairsOptions::r_p, "positive mining ratio r_p = candidates / kept (1 = no mining)").at_least(1);
    b.add("r_n", &HardPairsOptions::r_n, "negative mining ratio r_n").at_least(1);
    b.add("positives", &HardPairsOptions::positives, "s_p: positives kept per batch (0 = the batch's positives / r_p)")
        .at_least(0);
    b.add("negatives", &HardPairsOptions::negatives, "s_n: negatives kept per batch (0 = the batch's negatives / r_n)")
        .at_least(0);
    return b;
  }();
  return b;
}

}  // namespace

MinerRegistry::Entry hard_pairs_entry() {
  return {"hard_pairs", "fracking: of r_p*s_p positives and r_n*s_n negatives keep the s_p, s_n with the largest loss",
          hard_pairs_binder().schema(), [](const Params& p) { return std::make_shared<HardPairsMiner>(hard_pairs_binder().bind(p)); }};
}

}  // namespace siamese
