#include "siamese/eval/cross_validation.h"

#include <algorithm>
#include <limits>
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

// Squared Euclidean distances [q, m], clamped at 0 (the expanded form can round below it).
torch::Tensor squared_distances(const torch::Tensor& a, const torch::Tensor& b) {
  torch::Tensor d = a.square().sum(1, true) + b.square().sum(1).unsqueeze(0) - 2 * a.matmul(b.t());
  return d.clamp_min(0);
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

torch::Tensor knn_predict(const torch::Tensor& train_x, const torch::Tensor& train_y, const torch::Tensor& test_x,
                          int64_t k) {
  SIAMESE_CHECK(train_x.dim() == 2 && test_x.dim() == 2 && train_x.size(1) == test_x.size(1), DataError,
                "kNN: train and test rows must have the same width");
  SIAMESE_CHECK(train_y.dim() == 1 && train_y.size(0) == train_x.size(0), DataError, "kNN: one label per train row");
  SIAMESE_CHECK(k >= 1 && k <= train_x.size(0), ConfigError, "kNN: k must be in [1, ", train_x.size(0), "], got ", k);
  torch::Tensor a = train_x.to(torch::kFloat64), q = test_x.to(torch::kFloat64);
  std::vector<int64_t> lab = to_vector(train_y);
  std::vector<int64_t> pred;
  pred.reserve(static_cast<size_t>(q.size(0)));
  constexpr int64_t kBlock = 1024;
  for (int64_t s = 0; s < q.size(0); s += kBlock) {
    torch::Tensor d = squared_distances(q.slice(0, s, std::min(q.size(0), s + kBlock)), a);
    torch::Tensor nn = std::get<1>(d.topk(k, 1, /*largest=*/false, /*sorted=*/true)).contiguous();
    auto acc = nn.accessor<int64_t, 2>();
    for (int64_t r = 0; r < nn.size(0); ++r) {
      std::map<int64_t, int64_t> votes;
      int64_t best = 0;
      for (int64_t j = 0; j < k; ++j) best = std::max(best, ++votes[lab[acc[r][j]]]);
      for (int64_t j = 0; j < k; ++j)
        if (votes[lab[acc[r][j]]] == best) {
          pred.push_back(lab[acc[r][j]]);
          break;
        }
    }
  }
  return torch::tensor(pred, torch::kInt64);
}

double knn_accuracy(const torch::Tensor& train_x, const torch::Tensor& train_y, const torch::Tensor& test_x,
                    const torch::Tensor& test_y, int64_t k) {
  SIAMESE_CHECK(test_y.dim() == 1 && test_y.size(0) == test_x.size(0) && test_x.size(0) > 0, DataError,
                "kNN: one label per test row");
  torch::Tensor pred = knn_predict(train_x, train_y, test_x, k);
  return pred.eq(test_y.to(torch::kInt64)).to(torch::kFloat64).mean().item<double>();
}

}  // namespace siamese
