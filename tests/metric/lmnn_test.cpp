// LMNN objective, gradient, target neighbours and solver behaviour.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "siamese/core/error.h"
#include "siamese/distance/euclidean.h"
#include "siamese/eval/metrics.h"
#include "siamese/metric/lmnn.h"

namespace siamese {
namespace {

// Six points, two classes:
//   class 0: p0 = (0,0), p1 = (1,0), p2 = (0,4)      class 1: p3 = (2,0), p4 = (3,0), p5 = (3,2)
// k = 1 target neighbours (squared Euclidean, same class, not self):
//   p0 -> p1 (1), p1 -> p0 (1), p2 -> p0 (16), p3 -> p4 (1), p4 -> p3 (1), p5 -> p4 (4).  Pull sum = 24.
// Hinge 1 + D_ij - D_il over other-class l (L = I):
//   p1 (D=1):  p3: 1 + 1 - 1 = 1 (active);  p4: 1 + 1 - 4 = -2;  p5: 1 + 1 - 8 = -6
//   p2 (D=16): p3: 1 + 16 - 20 = -3;  p4: 1 + 16 - 25 = -8;  p5: 1 + 16 - 13 = 4 (active)
//   p3 (D=1):  p0: 1 + 1 - 4 = -2;  p1: 1 + 1 - 1 = 1 (active);  p2: 1 + 1 - 20 = -18
//   p0, p4, p5: every argument <= -2.   Hinge sum = 6, 3 active triplets.
// mu = 0.25: eps = 0.75 * 24 + 0.25 * 6 = 19.5.
// Gradient 2 L G at L = I with G = 0.75 * sum_targets C_ij + 0.25 * sum_active (C_ij - C_il):
//   sum_targets C_ij = diag(1+1+1+1, 16+4) = [[4, 0], [0, 20]]
//   active: (p1,p0,p3): C_10 - C_13 = 0;  (p3,p4,p1): C_34 - C_31 = 0;
//           (p2,p0,p5): (0,4)(0,4)^T - (-3,2)(-3,2)^T = [[0,0],[0,16]] - [[9,-6],[-6,4]] = [[-9,6],[6,12]]
//   G = [[3,0],[0,15]] + [[-2.25,1.5],[1.5,3]] = [[0.75,1.5],[1.5,18]];  gradient = [[1.5,3],[3,36]].
torch::Tensor six_x() {
  return torch::tensor({0., 0., 1., 0., 0., 4., 2., 0., 3., 0., 3., 2.}, torch::kFloat64).view({6, 2});
}
torch::Tensor six_y() { return torch::tensor({0, 0, 0, 1, 1, 1}, torch::kInt64); }

TEST(LmnnObjective, HandComputedValueAndGradientOnSixPoints) {
  LmnnObjective obj(six_x(), six_y(), 1, 0.25);
  torch::Tensor eye = torch::eye(2, torch::kFloat64);
  EXPECT_TRUE(obj.targets().view({-1}).equal(torch::tensor({1, 0, 0, 4, 3, 4}, torch::kInt64)));
  EXPECT_NEAR(obj.value(eye), 19.5, 1e-12);
  EXPECT_EQ(obj.active_triplets(eye), 3);
  torch::Tensor expected = torch::tensor({1.5, 3., 3., 36.}, torch::kFloat64).view({2, 2});
  EXPECT_TRUE(torch::allclose(obj.gradient(eye), expected, 0, 1e-12)) << obj.gradient(eye);
  // The working-set value at L equals the value over every different-label pair.
  EXPECT_NEAR(obj.value(eye, obj.all_pairs()), 19.5, 1e-12);
}

TEST(LmnnObjective, ScalingLMatchesClosedForm) {
  // With L = 2 I every squared distance is multiplied by 4: pull 96; hinge args 1 + 4(D_ij - D_il):
  // (p1,p0,p3): 1, (p2,p0,p5): 1 + 4*3 = 13, (p3,p4,p1): 1; all others stay negative. eps = 0.75*96 + 0.25*15.
  LmnnObjective obj(six_x(), six_y(), 1, 0.25);
  EXPECT_NEAR(obj.value(2 * torch::eye(2, torch::kFloat64)), 0.75 * 96 + 0.25 * 15, 1e-12);
}

double max_finite_difference_error(const LmnnObjective& obj, const torch::Tensor& l) {
  torch::Tensor g = obj.gradient(l);
  double worst = 0;
  const double h = 1e-6;
  for (int64_t r = 0; r < l.size(0); ++r)
    for (int64_t c = 0; c < l.size(1); ++c) {
      torch::Tensor lp = l.clone(), lm = l.clone();
      lp[r][c] += h;
      lm[r][c] -= h;
      double fd = (obj.value(lp) - obj.value(lm)) / (2 * h);
      double an = g[r][c].item<double>();
      worst = std::max(worst, std::abs(fd - an) / std::max(1.0, std::abs(an)));
    }
  return worst;
}

TEST(LmnnObjective, GradientMatchesFiniteDifferencesAwayFromKinks) {
  torch::manual_seed(7);
  torch::Tensor x = torch::randn({24, 3}, torch::kFloat64);
  torch::Tensor y = torch::arange(24, torch::kInt64).remainder(3);
  LmnnObjective obj(x, y, 2, 0.4);
  for (int64_t rank : {3, 2}) {
    torch::Tensor l = torch::eye(rank, 3, torch::kFloat64) + 0.3 * torch::randn({rank, 3}, torch::kFloat64);
    // Finite differences are only meaningful where no hinge argument sits on its kink.
    torch::Tensor lx = x.matmul(l.t());
    torch::Tensor d = torch::cdist(lx, lx).square();
    double closest = 1e9;
    for (int64_t i = 0; i < 24; ++i)
      for (int64_t s = 0; s < obj.k(); ++s)
        for (int64_t m = 0; m < 24; ++m)
          if (y[i].item<int64_t>() != y[m].item<int64_t>()) {
            double arg = 1 + d[i][obj.targets()[i][s].item<int64_t>()].item<double>() - d[i][m].item<double>();
            closest = std::min(closest, std::abs(arg));
          }
    ASSERT_GT(closest, 1e-4) << "test point too close to a hinge kink; pick another seed";
    ASSERT_GT(obj.active_triplets(l), 0);  // the hinge part is exercised
    EXPECT_LT(max_finite_difference_error(obj, l), 1e-6) << "rank " << rank;
  }
}

TEST(LmnnObjective, TargetNeighboursAreSameLabelAndNeverSelf) {
  torch::manual_seed(3);
  // Duplicated rows: a point's duplicate (distance 0) may be its target, the point itself never; equal
  // distances go to the smaller row (the search's tie rule), so the oracle sorts by (distance, row).
  torch::Tensor base = torch::randn({15, 4}, torch::kFloat64);
  torch::Tensor x = torch::cat({base, base.slice(0, 0, 5)});
  torch::Tensor y = torch::cat({torch::arange(15, torch::kInt64).remainder(3), torch::arange(5, torch::kInt64).remainder(3)});
  LmnnObjective obj(x, y, 3, 0.5);
  ASSERT_EQ(obj.targets().size(0), 20);
  ASSERT_EQ(obj.targets().size(1), 3);
  for (int64_t i = 0; i < 20; ++i) {
    // Naive oracle: sort same-label others by distance.
    std::vector<std::pair<double, int64_t>> cand;
    for (int64_t j = 0; j < 20; ++j)
      if (j != i && y[j].item<int64_t>() == y[i].item<int64_t>())
        cand.push_back({(x[i] - x[j]).square().sum().item<double>(), j});
    std::sort(cand.begin(), cand.end());
    for (int64_t s = 0; s < 3; ++s) {
      int64_t t = obj.targets()[i][s].item<int64_t>();
      EXPECT_NE(t, i);
      EXPECT_EQ(y[t].item<int64_t>(), y[i].item<int64_t>());
      EXPECT_NEAR((x[i] - x[t]).square().sum().item<double>(), cand[s].first, 1e-12);
      EXPECT_EQ(t, cand[s].second) << "row " << i << " rank " << s;
    }
  }
}

TEST(LmnnObjective, WorkingSetOverItsMemoryCapIsARuntimeFailure) {
  LmnnObjective obj(six_x(), six_y(), 1, 0.25);
  const torch::Tensor l = torch::eye(2, torch::kFloat64);
  const int64_t pairs = obj.candidates(l).anchor.numel();
  ASSERT_GE(pairs, 3);  // the three active triplets' pairs at least
  obj.set_max_working_set_bytes(pairs * (32 + 64));  // exactly enough (k = 1)
  EXPECT_EQ(obj.candidates(l).anchor.numel(), pairs);
  obj.set_max_working_set_bytes(pairs * (32 + 64) - 1);
  EXPECT_THROW(obj.candidates(l), RuntimeFailure);
}

TEST(LmnnObjective, RejectsSingletonClass) {
  torch::Tensor x = torch::randn({3, 2}, torch::kFloat64);
  EXPECT_THROW(LmnnObjective(x, torch::tensor({0, 0, 1}, torch::kInt64), 1, 0.5), DataError);
}

TEST(LmnnSolver, ShrinksNoisyAxisAndImprovesKnn) {
  torch::manual_seed(11);
  // Class is decided by the first coordinate (gap of 1, spread 0.2); the second is noise with std 8.
  auto make = [](int64_t n) {
    torch::Tensor y = torch::arange(n, torch::kInt64).remainder(2);
    torch::Tensor x0 = 1.0 * y.to(torch::kFloat64) + 0.2 * torch::randn({n}, torch::kFloat64);
    torch::Tensor x1 = 8.0 * torch::randn({n}, torch::kFloat64);
    return std::make_pair(torch::stack({x0, x1}, 1), y);
  };
  auto [xtr, ytr] = make(120);
  auto [xte, yte] = make(200);
  LmnnOptions o;
  o.max_iter = 400;
  o.init = "identity";
  FitResult r = fit_lmnn(xtr, ytr, o);
  ASSERT_EQ(r.model.L.sizes(), (std::vector<int64_t>{2, 2}));
  torch::Tensor m = r.model.M();
  EXPECT_LT(m[1][1].item<double>() / m[0][0].item<double>(), 0.1) << m;
  EuclideanDistance euclidean(0.0);
  double before = knn_accuracy(xte, yte, xtr, ytr, 3, euclidean);
  double after = knn_accuracy(r.model.transform(xte), yte, r.model.transform(xtr), ytr, 3, euclidean);
  EXPECT_LT(before, 0.85);
  EXPECT_GT(after, 0.95);
  EXPECT_GT(after, before);
  LmnnObjective obj(xtr, ytr, 3, 0.5);
  EXPECT_LT(obj.value(r.model.L), obj.value(torch::eye(2, torch::kFloat64)));
  EXPECT_NEAR(r.objective, obj.value(r.model.L), 1e-9 * std::abs(r.objective));
}

TEST(LmnnSolver, NonConvergenceIsAStatusAndRankIsHonoured) {
  torch::manual_seed(5);
  torch::Tensor x = torch::randn({30, 4}, torch::kFloat64);
  torch::Tensor y = torch::arange(30, torch::kInt64).remainder(3);
  LmnnOptions o;
  o.max_iter = 2;
  o.rank = 2;
  FitResult r;
  ASSERT_NO_THROW(r = fit_lmnn(x, y, o));
  EXPECT_EQ(r.status, FitStatus::kMaxIterations);
  EXPECT_EQ(r.iterations, 2);
  EXPECT_FALSE(r.message.empty());
  EXPECT_EQ(r.model.L.sizes(), (std::vector<int64_t>{2, 4}));
  EXPECT_THROW(fit_lmnn(x, y, [] { LmnnOptions b; b.rank = 5; return b; }()), ConfigError);
}

TEST(LmnnObjective, BestScaleIsTheExactMinimiserAlongTheRay) {
  torch::manual_seed(4);
  torch::Tensor x = 10 * torch::randn({40, 3}, torch::kFloat64);
  torch::Tensor y = torch::arange(40, torch::kInt64).remainder(2);
  LmnnObjective obj(x, y, 2, 0.5);
  torch::Tensor l = torch::eye(3, torch::kFloat64);
  LmnnWorkingSet ws = obj.all_pairs();
  double u = obj.best_scale_squared(l, ws);
  ASSERT_GT(u, 0);
  double best = obj.value(std::sqrt(u) * l, ws);
  for (double f : {0.5, 0.9, 0.99, 1.01, 1.1, 2.0}) EXPECT_LE(best, obj.value(std::sqrt(f * u) * l, ws) + 1e-9);
}

TEST(LmnnSolver, RawScaleFitsQuickly) {
  // The same problem in units 50x larger: the rescaled start makes the solver converge in a similar number of
  // steps and to the same (scale-normalised) solution quality.
  torch::manual_seed(9);
  torch::Tensor y = torch::arange(150, torch::kInt64).remainder(3);
  torch::Tensor x = torch::randn({150, 4}, torch::kFloat64) + 2.0 * torch::one_hot(y, 4).to(torch::kFloat64);
  FitResult small = fit_lmnn(x, y);
  FitResult large = fit_lmnn(50 * x, y);
  EXPECT_EQ(small.status, FitStatus::kConverged) << small.message;
  EXPECT_EQ(large.status, FitStatus::kConverged) << large.message;
  EXPECT_LT(large.iterations, 300);
  EXPECT_NEAR(large.objective, small.objective, 0.05 * small.objective);
}

TEST(LmnnSolver, PcaStartIsOrthonormalTopDirections) {
  torch::manual_seed(2);
  torch::Tensor x = torch::randn({200, 3}, torch::kFloat64) * torch::tensor({5.0, 1.0, 0.2}, torch::kFloat64);
  torch::Tensor l = lmnn_initial_l(x, 2, "pca");
  EXPECT_TRUE(torch::allclose(l.matmul(l.t()), torch::eye(2, torch::kFloat64), 0, 1e-10));
  EXPECT_GT(std::abs(l[0][0].item<double>()), 0.99);  // largest variance first
  EXPECT_GT(std::abs(l[1][1].item<double>()), 0.99);
}

}  // namespace
}  // namespace siamese
