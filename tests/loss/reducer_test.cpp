// Reducers: every registered reducer on hand-computed terms, against a naive loop oracle on random terms,
// its gradient with respect to the terms, the pos_neg_* conventions (pytorch-metric-learning's: same-pair
// and different-pair terms averaged separately, then added) including batches with no negative / no
// positive pair (no NaN), and the schema rules (triplet losses do not offer the pair-only reducers).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "siamese/loss/loss.h"
#include "siamese/loss/reducer.h"

namespace siamese {
namespace {

double reduce(const std::string& name, const std::vector<double>& terms, const std::vector<bool>& same) {
  auto same_t = torch::zeros({static_cast<int64_t>(same.size())}, torch::kBool);
  for (size_t k = 0; k < same.size(); ++k) same_t[static_cast<int64_t>(k)] = static_cast<bool>(same[k]);
  return make_reducer(name)->reduce(torch::tensor(terms, torch::kDouble), same_t).item<double>();
}

// terms 0, 2, 0.5 (same) | 0, 3, 1, 0 (different): 7 terms, sum 6.5, 4 of them > 0.
const std::vector<double> kTerms = {0, 2, 0.5, 0, 3, 1, 0};
const std::vector<bool> kSame = {true, true, true, false, false, false, false};

TEST(Reducer, HandComputedValues) {
  EXPECT_NEAR(reduce("mean", kTerms, kSame), 6.5 / 7, 1e-14);
  EXPECT_NEAR(reduce("sum", kTerms, kSame), 6.5, 1e-14);
  EXPECT_NEAR(reduce("nonzero_mean", kTerms, kSame), 6.5 / 4, 1e-14);
  EXPECT_NEAR(reduce("caffe", kTerms, kSame), 6.5 / 14, 1e-14);
  // same: 2.5 over 3 terms (2 of them > 0); different: 4 over 4 terms (2 of them > 0).
  EXPECT_NEAR(reduce("pos_neg_mean", kTerms, kSame), 2.5 / 3 + 4.0 / 4, 1e-14);
  EXPECT_NEAR(reduce("pos_neg_nonzero_mean", kTerms, kSame), 2.5 / 2 + 4.0 / 2, 1e-14);
}

TEST(Reducer, GradientWithRespectToTheTerms) {
  auto same = torch::tensor({true, true, true, false, false, false, false});
  auto grad_of = [&](const std::string& name) {
    auto t = torch::tensor(kTerms, torch::kDouble).requires_grad_(true);
    make_reducer(name)->reduce(t, same).backward();
    return t.grad();
  };
  // pos_neg_mean: 1/3 on each same term, 1/4 on each different term.
  auto g = grad_of("pos_neg_mean");
  for (int64_t k = 0; k < 7; ++k) EXPECT_NEAR(g[k].item<double>(), k < 3 ? 1.0 / 3 : 1.0 / 4, 1e-14) << k;
  // pos_neg_nonzero_mean: the counts are constants: 1/2 and 1/2.
  g = grad_of("pos_neg_nonzero_mean");
  for (int64_t k = 0; k < 7; ++k) EXPECT_NEAR(g[k].item<double>(), 0.5, 1e-14) << k;
  g = grad_of("caffe");
  for (int64_t k = 0; k < 7; ++k) EXPECT_NEAR(g[k].item<double>(), 1.0 / 14, 1e-14) << k;
}

TEST(Reducer, NaiveLoopOracleOnRandomTerms) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(0.0, 2.0);
  for (int trial = 0; trial < 5; ++trial) {
    std::vector<double> t;
    std::vector<bool> same;
    for (int k = 0; k < 200; ++k) {
      t.push_back(rng() % 3 == 0 ? 0.0 : u(rng));  // about a third exactly 0 (inactive hinges)
      same.push_back(rng() % 4 == 0);
    }
    double sum = 0, sum_p = 0, sum_n = 0;
    int n_p = 0, n_n = 0, nz = 0, nz_p = 0, nz_n = 0;
    for (size_t k = 0; k < t.size(); ++k) {
      sum += t[k];
      nz += t[k] > 0;
      if (same[k]) {
        sum_p += t[k], ++n_p, nz_p += t[k] > 0;
      } else {
        sum_n += t[k], ++n_n, nz_n += t[k] > 0;
      }
    }
    SCOPED_TRACE(trial);
    EXPECT_NEAR(reduce("mean", t, same), sum / 200, 1e-12);
    EXPECT_NEAR(reduce("sum", t, same), sum, 1e-12);
    EXPECT_NEAR(reduce("nonzero_mean", t, same), sum / nz, 1e-12);
    EXPECT_NEAR(reduce("caffe", t, same), sum / 400, 1e-12);
    EXPECT_NEAR(reduce("pos_neg_mean", t, same), sum_p / n_p + sum_n / n_n, 1e-12);
    EXPECT_NEAR(reduce("pos_neg_nonzero_mean", t, same), sum_p / nz_p + sum_n / nz_n, 1e-12);
  }
}

TEST(Reducer, NoNegativeOrNoPositivePairIsNotNaN) {
  // Only same pairs: the different-pair group is empty and adds 0.
  EXPECT_NEAR(reduce("pos_neg_mean", {1, 2}, {true, true}), 1.5, 1e-14);
  EXPECT_NEAR(reduce("pos_neg_nonzero_mean", {1, 2, 0}, {true, true, true}), 1.5, 1e-14);
  EXPECT_NEAR(reduce("pos_neg_mean", {1, 3}, {false, false}), 2.0, 1e-14);
  // A group whose terms are all 0 (every hinge satisfied) adds 0 in the non-zero form.
  EXPECT_NEAR(reduce("pos_neg_nonzero_mean", {0, 0, 2}, {true, true, false}), 2.0, 1e-14);
  EXPECT_NEAR(reduce("nonzero_mean", {0, 0}, {true, false}), 0.0, 1e-14);
  // Gradients stay finite, and no term at all gives 0 for every reducer.
  for (const auto& name : reducer_registry().names()) {
    SCOPED_TRACE(name);
    auto t = torch::tensor({1.0, 0.0}, torch::kDouble).requires_grad_(true);
    auto v = make_reducer(name)->reduce(t, torch::tensor({true, true}));
    v.backward();
    EXPECT_TRUE(std::isfinite(v.item<double>()));
    EXPECT_TRUE(torch::isfinite(t.grad()).all().item<bool>());
    auto empty = torch::zeros({0}, torch::kDouble).requires_grad_(true);
    auto z = make_reducer(name)->reduce(empty, torch::zeros({0}, torch::kBool));
    EXPECT_EQ(z.item<double>(), 0.0);
    z.backward();
  }
}

TEST(Reducer, ContrastiveWithPytorchMetricLearningsConvention) {
  // DrLIM terms on random 2-D pairs, then per-group averages over the non-zero terms, added: a loop oracle.
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  const int n = 300;
  auto e = torch::empty({2 * n, 2}, torch::kDouble);
  std::vector<int64_t> f, s;
  std::vector<PairLabel> labels;
  double sum_p = 0, sum_n = 0, mean_p = 0, mean_n = 0;
  int nz_p = 0, nz_n = 0, n_p = 0, n_n = 0;
  for (int k = 0; k < n; ++k) {
    const double ax = u(rng), ay = u(rng), bx = u(rng), by = u(rng);
    e[k][0] = ax, e[k][1] = ay, e[n + k][0] = bx, e[n + k][1] = by;
    f.push_back(k), s.push_back(n + k);
    const bool same = rng() % 2 == 0;
    labels.push_back(same ? PairLabel::kSame : PairLabel::kDifferent);
    const double d = std::hypot(ax - bx, ay - by);
    const double term = same ? 0.5 * d * d : 0.5 * std::pow(std::max(0.0, 1.0 - d), 2);
    if (same) {
      sum_p += term, ++n_p, nz_p += term > 0;
    } else {
      sum_n += term, ++n_n, nz_n += term > 0;
    }
  }
  mean_p = sum_p / n_p, mean_n = sum_n / n_n;
  LossInput in;
  in.embeddings = e;
  in.pairs = Pairs::make(f, s, labels);
  ASSERT_LT(nz_n, n_n);  // some negatives beyond the margin: the non-zero form differs from the plain one
  auto value = [&](const std::string& reducer) {
    return make_loss("contrastive", {}, {{"reducer", reducer}})->forward(in).item<double>();
  };
  EXPECT_NEAR(value("pos_neg_nonzero_mean"), sum_p / nz_p + sum_n / nz_n, 1e-9);
  EXPECT_NEAR(value("pos_neg_mean"), mean_p + mean_n, 1e-9);
}

TEST(Reducer, SchemaRules) {
  try {
    make_reducer("no_such_reducer");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("pos_neg_mean"), std::string::npos) << e.what();
  }
  // Pair losses offer the pair-only reducers; triplet losses reject them at configuration.
  EXPECT_NO_THROW(make_loss("contrastive", {}, {{"reducer", std::string("pos_neg_mean")}}));
  EXPECT_NO_THROW(make_loss("ddml", {}, {{"reducer", std::string("pos_neg_nonzero_mean")}}));
  for (const char* name : {"triplet_hinge", "triplet_margin", "triplet_softmax"}) {
    SCOPED_TRACE(name);
    EXPECT_THROW(make_loss(name, {}, {{"reducer", std::string("pos_neg_mean")}}), ConfigError);
    EXPECT_NO_THROW(make_loss(name, {}, {{"reducer", std::string("nonzero_mean")}}));
  }
  // Without a same mask a pos_neg reducer cannot work: a ConfigError, not a silent mean.
  EXPECT_THROW(make_reducer("pos_neg_mean")->reduce(torch::ones({3}, torch::kDouble), torch::Tensor()), ConfigError);
  EXPECT_FALSE(make_reducer("mean")->needs_same());
  EXPECT_TRUE(make_reducer("pos_neg_nonzero_mean")->needs_same());
}

}  // namespace
}  // namespace siamese
