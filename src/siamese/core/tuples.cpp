#include "siamese/core/tuples.h"

#include "siamese/core/error.h"

namespace siamese {

Pairs Pairs::make(std::vector<int64_t> first, std::vector<int64_t> second, const std::vector<PairLabel>& labels) {
  SIAMESE_CHECK(first.size() == second.size() && first.size() == labels.size(), ConfigError,
                "Pairs::make: first, second and labels differ in length");
  Pairs p;
  p.first = torch::tensor(first, torch::kLong);
  p.second = torch::tensor(second, torch::kLong);
  std::vector<uint8_t> s;
  for (auto l : labels) s.push_back(l == PairLabel::kSame ? 1 : 0);
  p.same = torch::tensor(s, torch::kUInt8).to(torch::kBool);
  return p;
}

Triplets Triplets::make(std::vector<int64_t> a, std::vector<int64_t> p, std::vector<int64_t> n) {
  SIAMESE_CHECK(a.size() == p.size() && a.size() == n.size(), ConfigError,
                "Triplets::make: anchor, positive and negative differ in length");
  Triplets t;
  t.anchor = torch::tensor(a, torch::kLong);
  t.positive = torch::tensor(p, torch::kLong);
  t.negative = torch::tensor(n, torch::kLong);
  return t;
}

Pairs triplets_to_pairs(const Triplets& t) {
  Pairs p;
  p.first = torch::cat({t.anchor, t.anchor});
  p.second = torch::cat({t.positive, t.negative});
  auto n = t.size();
  p.same = torch::cat({torch::ones({n}, torch::kBool), torch::zeros({n}, torch::kBool)});
  return p;
}

Triplets pairs_to_triplets(const Pairs& p) {
  std::vector<int64_t> a, pos, neg;
  auto first = p.first.contiguous();
  auto second = p.second.contiguous();
  auto same = p.same.contiguous();
  const int64_t* f = first.data_ptr<int64_t>();
  const int64_t* s = second.data_ptr<int64_t>();
  const bool* y = same.data_ptr<bool>();
  std::map<int64_t, std::pair<std::vector<int64_t>, std::vector<int64_t>>> by_anchor;
  for (int64_t k = 0; k < p.size(); ++k) (y[k] ? by_anchor[f[k]].first : by_anchor[f[k]].second).push_back(s[k]);
  for (const auto& [anchor, lists] : by_anchor)
    for (int64_t q : lists.first)
      for (int64_t n : lists.second) {
        a.push_back(anchor);
        pos.push_back(q);
        neg.push_back(n);
      }
  return Triplets::make(a, pos, neg);
}

}  // namespace siamese
