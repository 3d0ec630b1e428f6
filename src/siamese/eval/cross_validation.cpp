#include "siamese/eval/cross_validation.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <random>

#include "siamese/core/error.h"

namespace siamese {

namespace {

std::vector<int64_t> to_vector(const torch::Tensor& t) {
  torch::Tensor c = t.to(torch::kInt64).contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

torch::Tensor to_tensor(std::vector<int64_t> v, bool sort) {
  if (sort) std::sort(v.begin(), v.end());
  return torch::tensor(v, torch::kInt64);
}

}  // namespace

std::vector<Fold> stratified_kfold(const torch::Tensor& y, int64_t folds, uint64_t seed) {
  std::vector<int64_t> lab = to_vector(y);
  const int64_t n = static_cast<int64_t>(lab.size());
  SIAMESE_CHECK(folds >= 2 && folds <= n, ConfigError, "k-fold: folds must be in [2, ", n, "], got ", folds);
  std::map<int64_t, std::vector<int64_t>> by_class;
  for (int64_t i = 0; i < n; ++i) by_class[lab[i]].push_back(i);
  std::mt19937_64 rng(seed);
  std::vector<std::vector<int64_t>> test(static_cast<size_t>(folds));
  // Dealing continues across classes, so fold sizes differ by at most one overall.
  int64_t next = 0;
  for (auto& [c, rows] : by_class) {
    std::shuffle(rows.begin(), rows.end(), rng);
    for (int64_t r : rows) test[static_cast<size_t>(next++ % folds)].push_back(r);
  }
  std::vector<Fold> out;
  for (int64_t f = 0; f < folds; ++f) {
    std::vector<char> in_test(static_cast<size_t>(n), 0);
    for (int64_t r : test[static_cast<size_t>(f)]) in_test[r] = 1;
    std::vector<int64_t> train;
    for (int64_t i = 0; i < n; ++i)
      if (!in_test[i]) train.push_back(i);
    out.push_back({to_tensor(train, false), to_tensor(test[static_cast<size_t>(f)], true)});
  }
  return out;
}

}  // namespace siamese
