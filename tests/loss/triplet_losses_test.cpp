// Triplet losses 9-11 (triplet_hinge, triplet_softmax, triplet_margin): values worked out by hand on 2-D
// points at known positions, a naive-loop oracle, the role of positive and negative (swapping them changes
// the value), and the paper-specific properties (scale invariance after normalisation, saturation).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "siamese/loss/loss.h"

namespace siamese {
namespace {

using P2 = std::array<double, 2>;

// Triplet k = (3k, 3k + 1, 3k + 2) over embeddings [a_0, p_0, n_0, a_1, ...].
LossInput triplets_of(const std::vector<std::array<P2, 3>>& t) {
  const int64_t n = static_cast<int64_t>(t.size());
  auto e = torch::empty({3 * n, 2}, torch::kDouble);
  std::vector<int64_t> a, p, q;
  for (int64_t k = 0; k < n; ++k) {
    for (int64_t j = 0; j < 3; ++j) e[3 * k + j][0] = t[k][j][0], e[3 * k + j][1] = t[k][j][1];
    a.push_back(3 * k), p.push_back(3 * k + 1), q.push_back(3 * k + 2);
  }
  LossInput in;
  in.embeddings = e;
  in.triplets = Triplets::make(a, p, q);
  return in;
}

std::vector<std::array<P2, 3>> swapped(std::vector<std::array<P2, 3>> t) {
  for (auto& x : t) std::swap(x[1], x[2]);
  return t;
}

double triplet_loss_value(const std::string& name, const LossInput& in, const std::map<std::string, Value>& o = {}) {
  return make_loss(name, {}, o)->forward(in).item<double>();
}

std::vector<std::array<P2, 3>> random_triplets(int n) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<std::array<P2, 3>> t;
  for (int k = 0; k < n; ++k) t.push_back({P2{u(rng), u(rng)}, P2{u(rng), u(rng)}, P2{u(rng), u(rng)}});
  return t;
}

double sq(const P2& x, const P2& y) { return std::pow(x[0] - y[0], 2) + std::pow(x[1] - y[1], 2); }
P2 unit(const P2& x) {
  const double n = std::hypot(x[0], x[1]);
  return {x[0] / n, x[1] / n};
}

TEST(LossTripletHinge, HandComputedValues) {
  // On the unit circle: a = (1,0), p = (0,1), n = (-1,0): D(a,p) = 2, D(a,n) = 4; g = 1: max(0, 1 + 2 - 4) = 0.
  // Swapped (p = (-1,0), n = (0,1)): max(0, 1 + 4 - 2) = 3.
  std::vector<std::array<P2, 3>> t = {{P2{1, 0}, P2{0, 1}, P2{-1, 0}}};
  EXPECT_NEAR(triplet_loss_value("triplet_hinge", triplets_of(t)), 0.0, 1e-9);
  EXPECT_NEAR(triplet_loss_value("triplet_hinge", triplets_of(swapped(t))), 3.0, 1e-9);
  // Embeddings are L2-normalised first: scaling each point changes nothing.
  std::vector<std::array<P2, 3>> scaled = {{P2{2, 0}, P2{-5, 0}, P2{0, 0.3}}};
  EXPECT_NEAR(triplet_loss_value("triplet_hinge", triplets_of(scaled)), 3.0, 1e-9);
  // Without normalisation: D(a,p) = 49, D(a,n) = 4.09 -> 1 + 49 - 4.09 = 45.91
  EXPECT_NEAR(triplet_loss_value("triplet_hinge", triplets_of(scaled), {{"normalize", false}}), 45.91, 1e-9);
}

TEST(LossTripletHinge, NaiveLoopOracle) {
  auto t = random_triplets(200);
  double oracle = 0;
  for (auto& x : t) oracle += std::max(0.0, 0.5 + sq(unit(x[0]), unit(x[1])) - sq(unit(x[0]), unit(x[2])));
  EXPECT_NEAR(triplet_loss_value("triplet_hinge", triplets_of(t), {{"gap", 0.5}}), oracle / 200, 1e-9);
}

TEST(LossTripletSoftmax, HandComputedValues) {
  // a = (0,0), p = (3,4), n = (1,0): d+ = 5, d- = 1; s+ = e^5 / (e^5 + e^1) = 1 / (1 + e^-4);
  // L = ||(s+, s- - 1)||² = 2 s+².
  const double s = 1 / (1 + std::exp(-4.0));
  std::vector<std::array<P2, 3>> t = {{P2{0, 0}, P2{3, 4}, P2{1, 0}}};
  EXPECT_NEAR(triplet_loss_value("triplet_softmax", triplets_of(t)), 2 * s * s, 1e-9);
  // Swapped: d+ = 1, d- = 5: s+ = 1 / (1 + e^4).
  const double s2 = 1 / (1 + std::exp(4.0));
  EXPECT_NEAR(triplet_loss_value("triplet_softmax", triplets_of(swapped(t))), 2 * s2 * s2, 1e-9);
  // Equal distances: s+ = ½, L = ½.
  std::vector<std::array<P2, 3>> tie = {{P2{0, 0}, P2{1, 0}, P2{0, 1}}};
  EXPECT_NEAR(triplet_loss_value("triplet_softmax", triplets_of(tie)), 0.5, 1e-9);
  // Saturation: far negative -> L -> 0, finite for huge distances (no overflow).
  std::vector<std::array<P2, 3>> far = {{P2{0, 0}, P2{1, 0}, P2{1e4, 0}}};
  EXPECT_LT(triplet_loss_value("triplet_softmax", triplets_of(far)), 1e-12);
  std::vector<std::array<P2, 3>> bad = {{P2{0, 0}, P2{1e4, 0}, P2{1, 0}}};
  EXPECT_NEAR(triplet_loss_value("triplet_softmax", triplets_of(bad)), 2.0, 1e-9);
}

TEST(LossTripletSoftmax, NaiveLoopOracle) {
  auto t = random_triplets(200);
  double oracle = 0;
  for (auto& x : t) {
    const double dp = std::sqrt(sq(x[0], x[1])), dn = std::sqrt(sq(x[0], x[2]));
    const double sp = std::exp(dp) / (std::exp(dp) + std::exp(dn)), sm = std::exp(dn) / (std::exp(dp) + std::exp(dn));
    oracle += sp * sp + (sm - 1) * (sm - 1);
  }
  EXPECT_NEAR(triplet_loss_value("triplet_softmax", triplets_of(t)), oracle / 200, 1e-9);
}

TEST(LossTripletMargin, HandComputedValues) {
  // FaceNet defaults (squared, normalised, α = 0.2):
  //   a = (1,0), p = (0,1), n = (0.6,0.8): D(a,p) = 2, D(a,n) = 0.4² + 0.8² = 0.8 -> 2 - 0.8 + 0.2 = 1.4
  //   swapped: 0.8 - 2 + 0.2 < 0 -> 0
  std::vector<std::array<P2, 3>> t = {{P2{1, 0}, P2{0, 1}, P2{0.6, 0.8}}};
  EXPECT_NEAR(triplet_loss_value("triplet_margin", triplets_of(t)), 1.4, 1e-9);
  EXPECT_NEAR(triplet_loss_value("triplet_margin", triplets_of(swapped(t))), 0.0, 1e-9);
  // Soft margin: log(1 + e^{2 - 0.8}) = log(1 + e^1.2); swapped log(1 + e^-1.2).
  EXPECT_NEAR(triplet_loss_value("triplet_margin", triplets_of(t), {{"soft", true}}), std::log1p(std::exp(1.2)), 1e-9);
  EXPECT_NEAR(triplet_loss_value("triplet_margin", triplets_of(swapped(t)), {{"soft", true}}), std::log1p(std::exp(-1.2)), 1e-9);
  // Plain distances, no normalisation (torch.nn.TripletMarginLoss form), α = 1:
  //   a = (0,0), p = (6,8), n = (3,4): 10 - 5 + 1 = 6; swapped 5 - 10 + 1 < 0 -> 0
  std::vector<std::array<P2, 3>> u = {{P2{0, 0}, P2{6, 8}, P2{3, 4}}};
  std::map<std::string, Value> plain = {{"squared", false}, {"normalize", false}, {"margin", 1.0}};
  EXPECT_NEAR(triplet_loss_value("triplet_margin", triplets_of(u), plain), 6.0, 1e-9);
  EXPECT_NEAR(triplet_loss_value("triplet_margin", triplets_of(swapped(u)), plain), 0.0, 1e-9);
}

TEST(LossTripletMargin, NaiveLoopOracle) {
  auto t = random_triplets(200);
  double hard = 0, soft = 0;
  for (auto& x : t) {
    const double dp = sq(unit(x[0]), unit(x[1])), dn = sq(unit(x[0]), unit(x[2]));
    hard += std::max(0.0, dp - dn + 0.2);
    soft += std::log(1 + std::exp(dp - dn));
  }
  EXPECT_NEAR(triplet_loss_value("triplet_margin", triplets_of(t)), hard / 200, 1e-9);
  EXPECT_NEAR(triplet_loss_value("triplet_margin", triplets_of(t), {{"soft", true}}), soft / 200, 1e-9);
}

TEST(LossTripletMargin, EvaluationDistanceComparesNormalisedEmbeddings) {
  // With normalize = true the loss hands out a distance on normalised embeddings: (2,0) and (5,0) coincide.
  auto d = make_loss("triplet_margin", {})->distance();
  auto x = torch::tensor({2.0, 0.0, 5.0, 0.0}, torch::kDouble).view({2, 2});
  EXPECT_LT(d->paired(x[0].unsqueeze(0), x[1].unsqueeze(0)).item<double>(), 1e-5);
  auto plain = make_loss("triplet_margin", {}, {{"normalize", false}})->distance();
  EXPECT_NEAR(plain->paired(x[0].unsqueeze(0), x[1].unsqueeze(0)).item<double>(), 3.0, 1e-6);
}

}  // namespace
}  // namespace siamese
