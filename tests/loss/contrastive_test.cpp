// Contrastive losses: hand-computed values, a naive loop oracle (mirroring Caffe's own layer test: 512
// random 2-D pairs in U(-1, 1) so distances straddle the margin), double-precision finite-difference
// gradients away from the hinge, the label convention, and a finite gradient at d = 0.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "siamese/loss/contrastive.h"

namespace siamese {
namespace {

LossInput pair_input(torch::Tensor a, torch::Tensor b, std::vector<PairLabel> labels) {
  const int64_t n = a.size(0);
  std::vector<int64_t> f, s;
  for (int64_t k = 0; k < n; ++k) {
    f.push_back(k);
    s.push_back(n + k);
  }
  LossInput in;
  in.embeddings = torch::cat({a, b});
  in.pairs = Pairs::make(f, s, labels);
  return in;
}

TEST(ContrastiveLoss, HandComputedValues) {
  // Pair 1 (similar):    a = (0, 0), b = (3, 4): d = 5, term = ½·25 = 12.5
  // Pair 2 (dissimilar): a = (0, 0), b = (0.6, 0): d = 0.6, margin 1:
  //   DrLIM:  ½·max(0, 1 - 0.6)² = ½·0.16 = 0.08
  //   legacy: ½·max(0, 1 - 0.36) = ½·0.64 = 0.32
  // Pair 3 (dissimilar, beyond the margin): d = 2 -> 0 in both forms.
  auto a = torch::tensor({0.0, 0.0, 0.0, 0.0, 1.0, 1.0}, torch::kDouble).view({3, 2});
  auto b = torch::tensor({3.0, 4.0, 0.6, 0.0, 1.0, 3.0}, torch::kDouble).view({3, 2});
  auto in = pair_input(a, b, {PairLabel::kSame, PairLabel::kDifferent, PairLabel::kDifferent});
  auto drlim = make_loss("contrastive", {}, {{"reducer", std::string("sum")}});
  auto legacy = make_loss("contrastive_legacy", {}, {{"reducer", std::string("sum")}});
  EXPECT_NEAR(drlim->forward(in).item<double>(), 12.5 + 0.08, 1e-9);
  EXPECT_NEAR(legacy->forward(in).item<double>(), 12.5 + 0.32, 1e-9);
  // The default "mean" reducer is Caffe's 1/(2N) Σ [d² | max(m - d², 0)] (N = 3 pairs).
  auto caffe_mean = make_loss("contrastive_legacy", {});
  EXPECT_NEAR(caffe_mean->forward(in).item<double>(), (25.0 + 0.64 + 0.0) / (2.0 * 3), 1e-9);
}

TEST(ContrastiveLoss, NaiveLoopOracleLikeCaffesTest) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  const int n = 512;
  auto a = torch::empty({n, 2}, torch::kDouble), b = torch::empty({n, 2}, torch::kDouble);
  std::vector<PairLabel> labels;
  for (int k = 0; k < n; ++k) {
    a[k][0] = u(rng), a[k][1] = u(rng), b[k][0] = u(rng), b[k][1] = u(rng);
    labels.push_back(rng() % 2 ? PairLabel::kSame : PairLabel::kDifferent);
  }
  auto in = pair_input(a, b, labels);
  for (bool legacy : {false, true}) {
    const double margin = 1.0;
    double expected = 0;
    for (int k = 0; k < n; ++k) {
      double dx = a[k][0].item<double>() - b[k][0].item<double>(), dy = a[k][1].item<double>() - b[k][1].item<double>();
      double d2 = dx * dx + dy * dy, d = std::sqrt(d2);
      if (labels[k] == PairLabel::kSame)
        expected += d2;
      else
        expected += legacy ? std::max(margin - d2, 0.0) : std::pow(std::max(margin - d, 0.0), 2);
    }
    expected /= 2.0 * n;
    auto loss = make_loss(legacy ? "contrastive_legacy" : "contrastive", {});
    EXPECT_NEAR(loss->forward(in).item<double>(), expected, 1e-6) << (legacy ? "legacy" : "drlim");
  }
}

TEST(ContrastiveLoss, FiniteDifferenceGradientDouble) {
  torch::manual_seed(3);
  for (const char* name : {"contrastive", "contrastive_legacy"}) {
    auto loss = make_loss(name, {}, {{"margin", 2.0}});
    auto emb = torch::randn({8, 3}, torch::kDouble);
    LossInput in;
    in.pairs = Pairs::make({0, 1, 2, 3}, {4, 5, 6, 7},
                           {PairLabel::kSame, PairLabel::kDifferent, PairLabel::kDifferent, PairLabel::kSame});
    // Keep dissimilar pairs away from the hinge kink: rescale so their distance is well inside the margin.
    {
      torch::NoGradGuard g;
      emb[5] = emb[1] + 0.3 * (emb[5] - emb[1]) / (emb[5] - emb[1]).norm();
      emb[6] = emb[2] + 0.5 * (emb[6] - emb[2]) / (emb[6] - emb[2]).norm();
    }
    auto x = emb.clone().requires_grad_(true);
    in.embeddings = x;
    loss->forward(in).backward();
    auto analytic = x.grad().clone();
    const double h = 1e-6;
    for (int64_t i = 0; i < x.size(0); ++i)
      for (int64_t j = 0; j < x.size(1); ++j) {
        auto plus = emb.clone(), minus = emb.clone();
        plus[i][j] += h;
        minus[i][j] -= h;
        in.embeddings = plus;
        double fp = loss->forward(in).item<double>();
        in.embeddings = minus;
        double fm = loss->forward(in).item<double>();
        EXPECT_NEAR(analytic[i][j].item<double>(), (fp - fm) / (2 * h), 1e-6) << name << " at " << i << "," << j;
      }
  }
}

TEST(ContrastiveLoss, LabelConventionMatters) {
  auto a = torch::tensor({0.0, 0.0}, torch::kDouble).view({1, 2});
  auto b = torch::tensor({0.3, 0.0}, torch::kDouble).view({1, 2});
  auto loss = make_loss("contrastive", {});
  double same = loss->forward(pair_input(a, b, {PairLabel::kSame})).item<double>();
  double diff = loss->forward(pair_input(a, b, {PairLabel::kDifferent})).item<double>();
  EXPECT_NEAR(same, 0.5 * 0.09, 1e-9);        // pulled together: ½ d² = ½·0.3²
  EXPECT_NEAR(diff, 0.5 * 0.7 * 0.7, 1e-9);   // pushed apart: ½ (1 - 0.3)² (eps under the root moves d by 1e-12)
  EXPECT_GT(std::abs(same - diff), 1e-3);
}

TEST(ContrastiveLoss, FiniteGradientAtZeroDistance) {
  for (const char* name : {"contrastive", "contrastive_legacy"}) {
    auto x = torch::ones({2, 2}, torch::kFloat).requires_grad_(true);  // identical embeddings: d = 0
    LossInput in;
    in.embeddings = x;
    in.pairs = Pairs::make({0}, {1}, {PairLabel::kDifferent});
    auto loss = make_loss(name, {});
    auto value = loss->forward(in);
    value.backward();
    EXPECT_TRUE(torch::isfinite(x.grad()).all().item<bool>()) << name;
    EXPECT_NEAR(value.item<double>(), 0.5, 1e-5) << name;  // ½ m² = ½ (DrLIM) and ½ m = ½ (legacy)
  }
}

}  // namespace
}  // namespace siamese
