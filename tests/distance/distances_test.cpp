// Distances: hand-computed values on 2-D points, Mahalanobis (M = LᵀL stays PSD under training; L = I
// gives the squared Euclidean distance; rank truncation; init from a saved model), weighted χ²
// (non-negative, zero on identical inputs, guarded denominator), weighted L1 (starts as Manhattan).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "siamese/distance/mahalanobis.h"
#include "siamese/distance/weighted_chi2.h"
#include "siamese/distance/weighted_l1.h"
#include "siamese/distance/mahalanobis_model.h"

namespace siamese {
namespace {

torch::Tensor rows(std::vector<double> v, int64_t d = 2) {
  return torch::tensor(v, torch::kDouble).view({-1, d});
}

double raw_for(double w) { return std::log(std::exp(w) - 1); }  // softplus(raw) = w

TEST(DistanceManhattan, HandComputed) {
  // (0,0)-(3,-4): |3| + |-4| = 7; (1,1)-(1,1): 0; (1,2)-(0,0): 3
  auto d = make_distance("manhattan", 2);
  auto v = d->paired(rows({0, 0, 1, 1, 1, 2}), rows({3, -4, 1, 1, 0, 0}));
  EXPECT_TRUE(torch::allclose(v, torch::tensor({7.0, 0.0, 3.0}, torch::kDouble)));
  EXPECT_FALSE(d->is_similarity());
}

TEST(DistanceEuclideanFamily, HandComputed) {
  // (0,0)-(3,4): 5, squared 25; cosine of (1,0),(1,1) = 1/√2.
  EXPECT_NEAR(make_distance("euclidean", 2)->paired(rows({0, 0}), rows({3, 4})).item<double>(), 5.0, 1e-9);
  EXPECT_NEAR(make_distance("squared_euclidean", 2)->paired(rows({0, 0}), rows({3, 4})).item<double>(), 25.0, 1e-12);
  EXPECT_NEAR(make_distance("cosine", 2)->paired(rows({1, 0}), rows({1, 1})).item<double>(), 1 / std::sqrt(2.0), 1e-9);
}

TEST(DistanceMahalanobis, IdentityEqualsSquaredEuclidean) {
  torch::manual_seed(1);
  auto q = torch::randn({6, 4}, torch::kDouble), r = torch::randn({5, 4}, torch::kDouble);
  auto m = make_distance("mahalanobis", 4, {{"squared", true}});
  m->to(torch::kDouble);
  auto se = make_distance("squared_euclidean", 4);
  EXPECT_TRUE(torch::allclose(m->pairwise(q, r), se->pairwise(q, r), 1e-12, 1e-12));
  EXPECT_TRUE(torch::allclose(m->paired(q.slice(0, 0, 5), r), se->paired(q.slice(0, 0, 5), r), 1e-12, 1e-12));
  auto unsq = make_distance("mahalanobis", 4);
  unsq->to(torch::kDouble);
  EXPECT_TRUE(torch::allclose(unsq->pairwise(q, r), make_distance("euclidean", 4)->pairwise(q, r), 1e-9, 1e-9));
}

TEST(DistanceMahalanobis, HandComputedWithAGivenL) {
  // L = [[2, 0], [1, 1]]: x - y = (1, 2) -> L(x - y) = (2, 3) -> d² = 13.
  auto m = std::dynamic_pointer_cast<MahalanobisDistance>(make_distance("mahalanobis", 2, {{"squared", true}}));
  m->to(torch::kDouble);
  {
    torch::NoGradGuard g;
    m->L().copy_(rows({2, 0, 1, 1}));
  }
  EXPECT_NEAR(m->paired(rows({1, 2}), rows({0, 0})).item<double>(), 13.0, 1e-12);
  // (x - y)ᵀ M (x - y) with M = LᵀL = [[5, 1], [1, 1]]: 5 + 2·2 + 4 = 13.
  EXPECT_TRUE(torch::allclose(m->M(), rows({5, 1, 1, 1})));
}

TEST(DistanceMahalanobis, RankTruncatesTheIdentity) {
  // rank 1 of 3: L = [1, 0, 0], d² = (x0 - y0)².
  auto m = std::dynamic_pointer_cast<MahalanobisDistance>(
      make_distance("mahalanobis", 3, {{"rank", int64_t{1}}, {"squared", true}}));
  EXPECT_EQ(m->L().sizes(), (std::vector<int64_t>{1, 3}));
  m->to(torch::kDouble);
  EXPECT_NEAR(m->paired(rows({1, 5, 7}, 3), rows({4, 0, 0}, 3)).item<double>(), 9.0, 1e-12);
  EXPECT_THROW(make_distance("mahalanobis", 3, {{"rank", int64_t{4}}}), ConfigError);
  EXPECT_THROW(make_distance("mahalanobis", 3, {{"rank", int64_t{-1}}}), ConfigError);
}

TEST(DistanceMahalanobis, StaysPsdUnderTraining) {
  // Plain SGD on L pulling random "same" pairs together and pushing "different" ones apart: whatever L
  // becomes, M = LᵀL has no negative eigenvalue (up to rounding).
  torch::manual_seed(2);
  auto m = std::dynamic_pointer_cast<MahalanobisDistance>(make_distance("mahalanobis", 4, {{"squared", true}}));
  m->to(torch::kDouble);
  torch::optim::SGD opt(m->parameters(), torch::optim::SGDOptions(0.05));
  for (int step = 0; step < 50; ++step) {
    auto a = torch::randn({16, 4}, torch::kDouble), b = torch::randn({16, 4}, torch::kDouble);
    auto d2 = m->paired(a, b);
    auto loss = d2.slice(0, 0, 8).mean() - torch::clamp_max(d2.slice(0, 8), 4).mean();
    opt.zero_grad();
    loss.backward();
    opt.step();
  }
  auto eig = torch::linalg::eigvalsh(m->M(), "L");
  EXPECT_GE(eig.min().item<double>(), -1e-10);
  EXPECT_FALSE(torch::allclose(m->L(), torch::eye(4, torch::kDouble)));  // it did train
}

TEST(DistanceMahalanobis, InitFromASavedModel) {
  // A model with L = diag(2, 1): d² between (1,0) and (0,0) = 4.
  auto path = std::filesystem::temp_directory_path() / "siamese_distance_test_mahalanobis.json";
  MahalanobisModel model;
  model.L = rows({2, 0, 0, 1});
  model.save(path.string());
  auto m = make_distance("mahalanobis", 2, {{"init", path.string()}, {"squared", true}});
  m->to(torch::kDouble);
  EXPECT_NEAR(m->paired(rows({1, 0}), rows({0, 0})).item<double>(), 4.0, 1e-6);
  EXPECT_THROW(make_distance("mahalanobis", 3, {{"init", path.string()}}), ConfigError);  // 2-D model, 3-D embeddings
  EXPECT_THROW(make_distance("mahalanobis", 2, {{"init", path.string()}, {"rank", int64_t{1}}}), ConfigError);
  std::filesystem::remove(path);
  EXPECT_THROW(make_distance("mahalanobis", 2, {{"init", path.string()}}), DataError);
}

TEST(DistanceWeightedChi2, HandComputed) {
  // w = 1: (1,2)-(3,2): (1 - 3)²/(1 + 3) + 0/(4) = 1.
  // w = (2, 0.5): (1,1)-(3,3): 2·4/4 + 0.5·4/4 = 2.5.
  auto d = std::dynamic_pointer_cast<WeightedChi2Distance>(make_distance("weighted_chi2", 2));
  d->to(torch::kDouble);
  EXPECT_NEAR(d->paired(rows({1, 2}), rows({3, 2})).item<double>(), 1.0, 1e-9);
  {
    torch::NoGradGuard g;
    d->named_parameters()["w_raw"].copy_(torch::tensor({raw_for(2.0), raw_for(0.5)}, torch::kDouble));
  }
  EXPECT_NEAR(d->paired(rows({1, 1}), rows({3, 3})).item<double>(), 2.5, 1e-9);
  EXPECT_TRUE(torch::allclose(d->weights(), torch::tensor({2.0, 0.5}, torch::kDouble)));
}

TEST(DistanceWeightedChi2, NonNegativeZeroOnIdenticalAndGuarded) {
  torch::manual_seed(3);
  auto d = make_distance("weighted_chi2", 5);
  d->to(torch::kDouble);
  {
    torch::NoGradGuard g;
    for (auto& p : d->parameters()) p.copy_(torch::randn_like(p) * 3);  // any raw value: weights stay >= 0
  }
  auto q = torch::randn({20, 5}, torch::kDouble), r = torch::randn({30, 5}, torch::kDouble);  // signed too
  auto m = d->pairwise(q, r);
  EXPECT_TRUE(torch::isfinite(m).all().item<bool>());
  EXPECT_GE(m.min().item<double>(), 0.0);
  auto pos = q.abs();
  EXPECT_LT(d->paired(pos, pos).abs().max().item<double>(), 1e-15);
  // A zero denominator (both features 0) is guarded: finite value and gradient.
  auto z = torch::zeros({1, 5}, torch::kDouble).requires_grad_(true);
  auto v = d->paired(z, torch::zeros({1, 5}, torch::kDouble));
  v.sum().backward();
  EXPECT_EQ(v.item<double>(), 0.0);
  EXPECT_TRUE(torch::isfinite(z.grad()).all().item<bool>());
}

TEST(DistanceWeightedL1, StartsAsManhattanAndWeighs) {
  torch::manual_seed(4);
  auto q = torch::randn({6, 3}, torch::kDouble), r = torch::randn({4, 3}, torch::kDouble);
  auto d = std::dynamic_pointer_cast<WeightedL1Distance>(make_distance("weighted_l1", 3));
  d->to(torch::kDouble);
  EXPECT_TRUE(torch::allclose(d->pairwise(q, r), make_distance("manhattan", 3)->pairwise(q, r), 1e-9, 1e-9));
  // α = (2, 0.5, 1): (0,0,0)-(1,-2,3): 2·1 + 0.5·2 + 1·3 = 6.
  {
    torch::NoGradGuard g;
    d->named_parameters()["alpha_raw"].copy_(torch::tensor({raw_for(2.0), raw_for(0.5), raw_for(1.0)}, torch::kDouble));
  }
  EXPECT_NEAR(d->paired(rows({0, 0, 0}, 3), rows({1, -2, 3}, 3)).item<double>(), 6.0, 1e-9);
  EXPECT_GE(d->weights().min().item<double>(), 0.0);
}

TEST(DistancePairwise, LargeInputsAreComputedInBlocks) {
  // 3000 x 2000 x 3 exceeds one block: the blocked result must equal the per-row paired values.
  torch::manual_seed(5);
  auto q = torch::rand({3000, 3}), r = torch::rand({2000, 3});
  for (const char* name : {"manhattan", "weighted_l1", "weighted_chi2", "mahalanobis"}) {
    auto d = make_distance(name, 3);
    auto m = d->pairwise(q, r);
    ASSERT_EQ(m.sizes(), (std::vector<int64_t>{3000, 2000}));
    for (int64_t i : {0, 1500, 2999})
      EXPECT_TRUE(torch::allclose(m[i], d->paired(q[i].unsqueeze(0).expand({2000, 3}), r), 1e-5, 1e-5)) << name;
  }
}

}  // namespace
}  // namespace siamese
