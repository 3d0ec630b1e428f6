// The exact neighbour search against a naive double loop: random data under a distance (Euclidean, both
// routes), a similarity (cosine) and a learnable distance (Mahalanobis with a random L); exact ties resolved
// by the documented rule (equal value -> smaller reference row); exclude_self; a budget so small that every
// query is its own block; k out of range; float, double and mixed inputs; the index object.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "siamese/core/error.h"
#include "siamese/distance/distance.h"
#include "siamese/distance/euclidean.h"
#include "siamese/index/exact.h"

namespace siamese {
namespace {

using PairValue = std::function<double(const torch::Tensor& q, const torch::Tensor& r)>;  // rows as double

// The oracle: every (query, reference) value from `value`, sorted by (value, row) (by (-value, row) for a
// similarity), the first k kept; `self` excludes reference i for query i.
struct Oracle {
  std::vector<std::vector<int64_t>> ids;
  std::vector<std::vector<double>> values;
};
Oracle naive_knn(const torch::Tensor& q, const torch::Tensor& r, int64_t k, bool similarity, bool self,
                 const PairValue& value) {
  const torch::Tensor qd = q.to(torch::kDouble), rd = r.to(torch::kDouble);
  Oracle o;
  for (int64_t i = 0; i < q.size(0); ++i) {
    std::vector<std::pair<double, int64_t>> all;
    for (int64_t j = 0; j < r.size(0); ++j) {
      if (self && i == j) continue;
      const double v = value(qd[i], rd[j]);
      all.push_back({similarity ? -v : v, j});
    }
    std::sort(all.begin(), all.end());
    o.ids.emplace_back();
    o.values.emplace_back();
    for (int64_t s = 0; s < k; ++s) {
      o.ids.back().push_back(all[s].second);
      o.values.back().push_back(similarity ? -all[s].first : all[s].first);
    }
  }
  return o;
}

void expect_matches(const Neighbours& got, const Oracle& want, double tolerance, const std::string& what) {
  const int64_t nq = static_cast<int64_t>(want.ids.size()), k = static_cast<int64_t>(want.ids[0].size());
  ASSERT_EQ(got.ids.sizes(), (std::vector<int64_t>{nq, k})) << what;
  ASSERT_EQ(got.values.sizes(), (std::vector<int64_t>{nq, k})) << what;
  ASSERT_EQ(got.ids.scalar_type(), torch::kInt64);
  const torch::Tensor ids = got.ids.contiguous(), values = got.values.to(torch::kDouble).contiguous();
  for (int64_t i = 0; i < nq; ++i)
    for (int64_t s = 0; s < k; ++s) {
      EXPECT_EQ(ids[i][s].item<int64_t>(), want.ids[i][s]) << what << ": query " << i << " rank " << s;
      EXPECT_NEAR(values[i][s].item<double>(), want.values[i][s], tolerance) << what << ": query " << i;
    }
}

double squared_l2(const torch::Tensor& a, const torch::Tensor& b) {
  double s = 0;
  auto pa = a.contiguous(), pb = b.contiguous();
  for (int64_t c = 0; c < a.size(0); ++c) {
    const double d = pa[c].item<double>() - pb[c].item<double>();
    s += d * d;
  }
  return s;
}

double l2(const torch::Tensor& a, const torch::Tensor& b) { return std::sqrt(squared_l2(a, b) + 1e-12); }

double cosine(const torch::Tensor& a, const torch::Tensor& b) {
  double ab = 0, aa = 0, bb = 0;
  for (int64_t c = 0; c < a.size(0); ++c) {
    const double x = a[c].item<double>(), y = b[c].item<double>();
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return ab / (std::sqrt(aa + 1e-12) * std::sqrt(bb + 1e-12));
}

// Euclidean through dist.pairwise only: the search does not recognise it, so it takes the generic route.
class OpaqueEuclidean : public Distance {
 public:
  torch::Tensor pairwise(const torch::Tensor& q, const torch::Tensor& r) const override { return e_.pairwise(q, r); }
  torch::Tensor paired(const torch::Tensor& a, const torch::Tensor& b) const override { return e_.paired(a, b); }

 private:
  EuclideanDistance e_;
};

TEST(IndexExact, EuclideanAgreesWithTheNaiveLoopOnBothRoutes) {
  torch::manual_seed(1);
  const torch::Tensor q = torch::randn({37, 6}, torch::kDouble), r = torch::randn({53, 6}, torch::kDouble);
  const Oracle want = naive_knn(q, r, 5, false, false, l2);
  auto fast = make_distance("euclidean", 6);
  expect_matches(exact_knn(q, r, 5, *fast), want, 1e-12, "euclidean");
  expect_matches(exact_knn(q, r, 5, OpaqueEuclidean()), want, 1e-12, "euclidean, generic route");
  auto squared = make_distance("squared_euclidean", 6);
  const Oracle want_sq = naive_knn(q, r, 5, false, false, squared_l2);
  expect_matches(exact_knn(q, r, 5, *squared), want_sq, 1e-12, "squared euclidean");
}

TEST(IndexExact, EuclideanScreenSurvivesCancellation) {
  // Rows far from the origin relative to their spread: |q|^2 + |r|^2 - 2 q.r cancels almost every digit in
  // float32, so the screen must keep enough candidates for the exact measurement to find the true ones.
  torch::manual_seed(2);
  const torch::Tensor q = (300.0 + torch::randn({40, 8})).to(torch::kFloat);
  const torch::Tensor r = (300.0 + torch::randn({120, 8})).to(torch::kFloat);
  auto dist = make_distance("euclidean", 8);
  expect_matches(exact_knn(q, r, 4, *dist), naive_knn(q, r, 4, false, false, l2), 1e-3, "offset float");
  EXPECT_TRUE(exact_knn(q, r, 4, *dist).ids.equal(exact_knn(q, r, 4, OpaqueEuclidean()).ids));
}

TEST(IndexExact, CosineSimilarityLargestFirst) {
  torch::manual_seed(3);
  const torch::Tensor q = torch::randn({29, 5}, torch::kDouble), r = torch::randn({41, 5}, torch::kDouble);
  auto dist = make_distance("cosine", 5);
  ASSERT_TRUE(dist->is_similarity());
  const Neighbours got = exact_knn(q, r, 6, *dist);
  expect_matches(got, naive_knn(q, r, 6, true, false, cosine), 1e-12, "cosine");
  // Nearest first means non-increasing similarity along each row.
  EXPECT_TRUE((got.values.slice(1, 0, 5) >= got.values.slice(1, 1, 6)).all().item<bool>());
}

TEST(IndexExact, LearnableMahalanobis) {
  torch::manual_seed(4);
  const int64_t d = 4;
  auto dist = make_distance("mahalanobis", d, {{"rank", int64_t{3}}});
  const torch::Tensor l = torch::randn({3, d}, torch::kFloat);
  {
    torch::NoGradGuard no_grad;
    dist->named_parameters()["L"].copy_(l);
  }
  const torch::Tensor ld = l.to(torch::kDouble);
  auto value = [&](const torch::Tensor& a, const torch::Tensor& b) {
    return std::sqrt(ld.matmul(a - b).square().sum().item<double>() + 1e-12);
  };
  const torch::Tensor q = torch::randn({23, d}), r = torch::randn({31, d});
  const Neighbours got = exact_knn(q, r, 4, *dist);
  EXPECT_FALSE(got.values.requires_grad());
  EXPECT_EQ(got.values.scalar_type(), torch::kFloat);
  expect_matches(got, naive_knn(q, r, 4, false, false, value), 1e-4, "mahalanobis");
}

TEST(IndexExact, ExactTiesGoToTheSmallerReferenceRow) {
  // Integer points: every value is exact in any evaluation order, so ties are real ties. Query (0, 0):
  // refs 0 (1,0), 1 (0,2), 2 (0,-1), 3 (-1,0), 4 (1,0) duplicate of 0, 5 (2,0), 6 (0,1).
  // Distance 1: rows 0, 2, 3, 4, 6 -> the 3 nearest are 0, 2, 3 (not 4 or 6), then 4, 6; then 1 and 5 (2).
  const torch::Tensor r = torch::tensor({1., 0., 0., 2., 0., -1., -1., 0., 1., 0., 2., 0., 0., 1.}).view({7, 2});
  const torch::Tensor q = torch::zeros({1, 2});
  for (const std::string name : {"euclidean", "squared_euclidean", "manhattan"}) {
    auto dist = make_distance(name, 2);
    EXPECT_TRUE(exact_knn(q, r, 3, *dist).ids.equal(torch::tensor({{0, 2, 3}}, torch::kInt64))) << name;
    EXPECT_TRUE(exact_knn(q, r, 7, *dist).ids.equal(torch::tensor({{0, 2, 3, 4, 6, 1, 5}}, torch::kInt64))) << name;
  }
  EXPECT_TRUE(exact_knn(q, r, 3, OpaqueEuclidean()).ids.equal(torch::tensor({{0, 2, 3}}, torch::kInt64)));
  // Similarity ties: axis directions; refs 1 and 3 are the same direction as the query.
  const torch::Tensor rc = torch::tensor({0., 1., 1., 0., -1., 0., 1., 0., 0., -1.}).view({5, 2});
  auto cos = make_distance("cosine", 2);
  const Neighbours c = exact_knn(torch::tensor({{1., 0.}}), rc, 4, *cos);
  EXPECT_TRUE(c.ids.equal(torch::tensor({{1, 3, 0, 4}}, torch::kInt64))) << c.ids;
  // Random integer grid: many ties everywhere, against the oracle's (value, row) order.
  torch::manual_seed(5);
  const torch::Tensor g = torch::randint(-3, 4, {60, 3}).to(torch::kDouble);
  const torch::Tensor gq = torch::randint(-3, 4, {25, 3}).to(torch::kDouble);
  auto sq = make_distance("squared_euclidean", 3);
  expect_matches(exact_knn(gq, g, 9, *sq), naive_knn(gq, g, 9, false, false, squared_l2), 0, "grid");
  expect_matches(exact_knn(gq, g, 9, *sq, false, 1), naive_knn(gq, g, 9, false, false, squared_l2), 0, "grid, 1 B");
}

TEST(IndexExact, ExcludeSelfNeverReturnsTheQueryButItsDuplicate) {
  torch::manual_seed(6);
  torch::Tensor x = torch::randn({30, 3}, torch::kDouble);
  x[17].copy_(x[4]);  // a duplicate at distance 0
  for (const std::string name : {"euclidean", "cosine", "manhattan"}) {
    auto dist = make_distance(name, 3);
    const Neighbours got = exact_knn(x, x, 5, *dist, /*exclude_self=*/true);
    for (int64_t i = 0; i < 30; ++i)
      for (int64_t s = 0; s < 5; ++s) EXPECT_NE(got.ids[i][s].item<int64_t>(), i) << name;
    EXPECT_EQ(got.ids[4][0].item<int64_t>(), 17) << name;
    EXPECT_EQ(got.ids[17][0].item<int64_t>(), 4) << name;
    // A slice of the queries (rows 10..19) gives the same rows of the answer.
    const Neighbours part = exact_knn(x.slice(0, 10, 20), x, 5, *dist, true, kDefaultSearchBudgetBytes, 10);
    EXPECT_TRUE(part.ids.equal(got.ids.slice(0, 10, 20))) << name;
  }
  expect_matches(exact_knn(x, x, 5, *make_distance("euclidean", 3), true), naive_knn(x, x, 5, false, true, l2),
                 1e-12, "exclude_self");
  // The query set must be (a slice of) the reference set.
  auto dist = make_distance("euclidean", 3);
  EXPECT_THROW(exact_knn(x.slice(0, 0, 5), x, 2, *dist, true, kDefaultSearchBudgetBytes, 26), DataError);
  EXPECT_THROW(exact_knn(x, x.slice(0, 0, 29), 2, *dist, true), DataError);
}

TEST(IndexExact, OneQueryPerBlockGivesTheSameResult) {
  torch::manual_seed(7);
  const torch::Tensor q = torch::randn({33, 4}), r = torch::randn({47, 4});
  // A budget below one row: every query is its own block.
  EXPECT_EQ(rows_per_block(1, 47, 4), 1);
  EXPECT_EQ(rows_per_block(47 * 4 * 10 + 3, 47, 4), 10);
  for (const std::string name : {"euclidean", "squared_euclidean", "cosine", "manhattan"}) {
    auto dist = make_distance(name, 4);
    const Neighbours whole = exact_knn(q, r, 7, *dist);
    const Neighbours tiny = exact_knn(q, r, 7, *dist, false, /*budget_bytes=*/1);
    const Neighbours some = exact_knn(q, r, 7, *dist, false, /*budget_bytes=*/47 * 4 * 5);  // 5 rows a block
    EXPECT_TRUE(tiny.ids.equal(whole.ids)) << name;
    // Cosine's values come from a matrix product whose rounding may depend on the block's shape.
    EXPECT_TRUE(torch::allclose(tiny.values, whole.values, 1e-6, 1e-6)) << name;
    EXPECT_TRUE(some.ids.equal(whole.ids)) << name;
    const Neighbours self_whole = exact_knn(r, r, 7, *dist, true);
    const Neighbours self_tiny = exact_knn(r, r, 7, *dist, true, 1);
    EXPECT_TRUE(self_tiny.ids.equal(self_whole.ids)) << name;
  }
}

TEST(IndexExact, KOutOfRangeIsAConfigErrorNamingK) {
  const torch::Tensor x = torch::randn({6, 2});
  auto dist = make_distance("euclidean", 2);
  auto message = [&](int64_t k, bool self) {
    try {
      exact_knn(x, x, k, *dist, self);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no ConfigError");
  };
  EXPECT_NE(message(0, false).find("k = 0"), std::string::npos) << message(0, false);
  EXPECT_NE(message(7, false).find("k = 7"), std::string::npos) << message(7, false);
  EXPECT_NE(message(6, true).find("k = 6"), std::string::npos) << message(6, true);
  EXPECT_NO_THROW(exact_knn(x, x, 6, *dist));
  EXPECT_NO_THROW(exact_knn(x, x, 5, *dist, true));
  EXPECT_THROW(exact_knn(x, x, 1, *dist, false, 0), ConfigError);            // budget
  EXPECT_THROW(exact_knn(x, torch::randn({6, 3}), 1, *dist), DataError);     // widths
  EXPECT_THROW(exact_knn(x.to(torch::kLong), x, 1, *dist), DataError);       // not floating point
}

TEST(IndexExact, FloatDoubleAndMixedInputs) {
  torch::manual_seed(8);
  const torch::Tensor qd = torch::randn({20, 5}, torch::kDouble), rd = torch::randn({35, 5}, torch::kDouble);
  auto dist = make_distance("euclidean", 5);
  const Oracle want = naive_knn(qd, rd, 3, false, false, l2);
  const Neighbours d = exact_knn(qd, rd, 3, *dist);
  const Neighbours f = exact_knn(qd.to(torch::kFloat), rd.to(torch::kFloat), 3, *dist);
  const Neighbours m = exact_knn(qd.to(torch::kFloat), rd, 3, *dist);
  EXPECT_EQ(d.values.scalar_type(), torch::kDouble);
  EXPECT_EQ(f.values.scalar_type(), torch::kFloat);
  EXPECT_EQ(m.values.scalar_type(), torch::kDouble);  // promoted
  expect_matches(d, want, 1e-12, "double");
  expect_matches(f, want, 1e-5, "float");
  expect_matches(m, naive_knn(qd.to(torch::kFloat), rd, 3, false, false, l2), 1e-12, "mixed");
  const Neighbours none = exact_knn(torch::empty({0, 5}), rd, 3, *dist);
  EXPECT_EQ(none.ids.sizes(), (std::vector<int64_t>{0, 3}));
}

TEST(IndexExact, NanDistanceIsADataError) {
  torch::Tensor x = torch::randn({5, 2});
  x[2][1] = std::nan("");
  EXPECT_THROW(exact_knn(x, x, 2, *make_distance("euclidean", 2), true), DataError);
  EXPECT_THROW(exact_knn(x, x, 2, *make_distance("cosine", 2), true), DataError);
}

TEST(IndexExact, IndexObjectReturnsCallerIds) {
  torch::manual_seed(9);
  const torch::Tensor a = torch::randn({12, 3}), b = torch::randn({9, 3}), q = torch::randn({7, 3});
  std::shared_ptr<const Distance> dist = make_distance("euclidean", 3);
  ExactIndex index(dist);
  EXPECT_EQ(index.size(), 0);
  EXPECT_THROW(index.search(q, 1), ConfigError);
  index.add(a);                                              // ids 0..11
  index.add(b, torch::arange(100, 109, torch::kInt64));      // ids 100..108
  EXPECT_EQ(index.size(), 21);
  const Neighbours got = index.search(q, 4);
  const Neighbours direct = exact_knn(q, torch::cat({a, b}), 4, *dist);
  const torch::Tensor expected = torch::where(direct.ids < 12, direct.ids, direct.ids + 88);
  EXPECT_TRUE(got.ids.equal(expected));
  EXPECT_TRUE(got.values.equal(direct.values));
  EXPECT_THROW(index.add(torch::randn({2, 4})), DataError);
  EXPECT_THROW(index.search(q, 22), ConfigError);
}

}  // namespace
}  // namespace siamese
