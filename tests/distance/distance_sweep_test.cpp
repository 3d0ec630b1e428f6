// The sweep over EVERY registered distance (iterates distance_registry().infos()): finite values,
// pairwise [nq, nr] consistent with paired [n], symmetry and non-negativity for distances, the
// double-precision finite-difference gradient for both inputs and every learnable parameter, and the
// config round-trip and range checks of its schema.
#include <gtest/gtest.h>

#include "../loss/check_helpers.h"
#include "siamese/distance/distance.h"

namespace siamese {
namespace {

constexpr int64_t kDim = 3;

TEST(DistanceSweep, EveryDistanceIsRegisteredWithASchema) {
  for (const char* name : {"euclidean", "squared_euclidean", "cosine", "manhattan", "mahalanobis", "weighted_chi2",
                           "weighted_l1"})
    EXPECT_TRUE(distance_registry().contains(name)) << name;
  for (const auto& info : distance_registry().infos()) checks::check_schema(info);
}

TEST(DistanceSweep, PairwiseMatchesPairedAndIsFinite) {
  torch::manual_seed(7);
  // Positive inputs: weighted_chi2 is meant for non-negative features.
  auto q = 0.5 + torch::rand({5, kDim}, torch::kDouble), r = 0.5 + torch::rand({4, kDim}, torch::kDouble);
  for (const auto& info : distance_registry().infos()) {
    SCOPED_TRACE(info.name);
    auto d = make_distance(info.name, kDim);
    d->to(torch::kDouble);
    auto m = d->pairwise(q, r);
    ASSERT_EQ(m.sizes(), (std::vector<int64_t>{5, 4}));
    EXPECT_TRUE(torch::isfinite(m).all().item<bool>());
    for (int64_t i = 0; i < 5; ++i) {
      auto row = d->paired(q[i].unsqueeze(0).expand({4, kDim}), r);
      EXPECT_TRUE(torch::allclose(row, m[i], 1e-12, 1e-12)) << "row " << i;
    }
    auto self = d->pairwise(q, q);
    EXPECT_TRUE(torch::allclose(self, self.t(), 1e-12, 1e-12)) << "not symmetric";
    if (!d->is_similarity()) {
      EXPECT_GE(m.min().item<double>(), 0);
      EXPECT_LT(self.diagonal().abs().max().item<double>(), 1e-5) << "d(x, x) != 0";
    } else {
      EXPECT_GT(self.diagonal().min().item<double>(), m.max().item<double>() - 1e-12) << "a similarity is largest at x = y";
    }
  }
  EXPECT_TRUE(make_distance("cosine", kDim)->is_similarity());
}

TEST(DistanceSweep, GradientCheckForInputsAndParameters) {
  for (const auto& info : distance_registry().infos()) {
    SCOPED_TRACE(info.name);
    torch::manual_seed(11);
    auto d = make_distance(info.name, kDim);
    d->to(torch::kDouble);
    {
      // Move learnable parameters off their (symmetric) initial values.
      torch::NoGradGuard g;
      for (auto& p : d->parameters()) p.add_(0.3 * torch::randn_like(p));
    }
    auto q = (0.5 + torch::rand({4, kDim}, torch::kDouble)).requires_grad_(true);
    auto r = (0.5 + torch::rand({3, kDim}, torch::kDouble)).requires_grad_(true);
    auto wm = torch::randn({4, 3}, torch::kDouble), wv = torch::randn({3}, torch::kDouble);
    auto f = [&] { return (d->pairwise(q, r) * wm).sum() + (d->paired(q.slice(0, 0, 3), r) * wv).sum(); };
    std::vector<torch::Tensor> leaves = {q, r};
    for (auto& p : d->parameters()) leaves.push_back(p);
    EXPECT_EQ(d->is_learnable(), !d->parameters().empty());
    auto res = checks::check_gradients(f, leaves);
    EXPECT_LT(res.max_error, 1e-6) << res.worst;
    EXPECT_LE(res.skipped * 20, res.checked);
  }
}

TEST(DistanceSweep, LearnableParametersAreNotNamedLikeBiases) {
  // The trainer gives parameters whose name ends in "bias" the bias learning-rate multiplier.
  for (const auto& info : distance_registry().infos()) {
    auto d = make_distance(info.name, kDim);
    for (const auto& kv : d->named_parameters()) {
      const auto& k = kv.key();
      EXPECT_FALSE(k.size() >= 4 && k.compare(k.size() - 4, 4, "bias") == 0) << info.name << ": " << k;
    }
  }
}

}  // namespace
}  // namespace siamese
