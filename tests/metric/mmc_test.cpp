// MMC (Xing et al. 2002): projections, objective derivatives, solvers and the paper's synthetic experiment.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "siamese/eval/cross_validation.h"
#include "siamese/metric/clustering.h"
#include "siamese/metric/mmc.h"
#include "siamese/metric/side_info.h"

namespace siamese {
namespace {

double min_eigenvalue(const torch::Tensor& a) {
  return std::get<0>(torch::linalg::eigh(0.5 * (a + a.t()), "L")).min().item<double>();
}

TEST(MmcProjection, HalfSpaceThenPsdSatisfyBothConstraints) {
  torch::manual_seed(1);
  for (int trial = 0; trial < 5; ++trial) {
    torch::Tensor b = torch::randn({5, 5}, torch::kFloat64);
    torch::Tensor a = b + b.t();  // symmetric, indefinite
    torch::Tensor s = torch::randn({8, 5}, torch::kFloat64);
    torch::Tensor w = s.t().matmul(s);
    double t = 0.1 * (w * a.abs()).sum().item<double>();
    torch::Tensor h = project_half_space(a, w, t);
    EXPECT_LE((w * h).sum().item<double>(), t * (1 + 1e-12));
    // Orthogonal projection: the move is along W.
    torch::Tensor move = h - a;
    double cos = (move * w).sum().item<double>() / (move.norm().item<double>() * w.norm().item<double>() + 1e-300);
    if (move.norm().item<double>() > 0) {
      EXPECT_NEAR(std::abs(cos), 1.0, 1e-10);
    }
    torch::Tensor p = project_psd(h);
    EXPECT_GE(min_eigenvalue(p), -1e-9);
    EXPECT_TRUE(torch::allclose(p, p.t(), 0, 0));
    // Projections are idempotent on their own sets.
    EXPECT_TRUE(torch::allclose(project_psd(p), p, 0, 1e-10));
    EXPECT_TRUE(project_half_space(h, w, t * 2).equal(h));
  }
  // Clipping the negative eigenvalue of diag(2, -1) gives diag(2, 0).
  torch::Tensor d = torch::diag(torch::tensor({2.0, -1.0}, torch::kFloat64));
  EXPECT_TRUE(torch::allclose(project_psd(d), torch::diag(torch::tensor({2.0, 0.0}, torch::kFloat64)), 0, 1e-12));
}

TEST(MmcObjective, FullGradientMatchesFiniteDifferences) {
  torch::manual_seed(2);
  torch::Tensor x = torch::randn({12, 3}, torch::kFloat64);
  torch::Tensor y = torch::arange(12, torch::kInt64).remainder(2);
  PairSets p{same_class_pairs(y), different_class_pairs(y)};
  MmcFullObjective obj(x, p);
  torch::Tensor b = torch::randn({3, 3}, torch::kFloat64);
  torch::Tensor a = b.matmul(b.t()) + 0.5 * torch::eye(3, torch::kFloat64);
  torch::Tensor g = obj.grad_g(a);
  const double h = 1e-6;
  for (int64_t r = 0; r < 3; ++r)
    for (int64_t c = 0; c < 3; ++c) {
      torch::Tensor e = torch::zeros({3, 3}, torch::kFloat64);
      e[r][c] = h;
      double fd = (obj.g(a + e) - obj.g(a - e)) / (2 * h);
      EXPECT_NEAR(fd, g[r][c].item<double>(), 1e-7);
    }
  // f(A) = <W, A> equals the sum of squared distances computed pair by pair.
  double naive = 0;
  for (int64_t r = 0; r < p.similar.size(0); ++r) {
    torch::Tensor d = x[p.similar[r][0].item<int64_t>()] - x[p.similar[r][1].item<int64_t>()];
    naive += d.dot(a.mv(d)).item<double>();
  }
  EXPECT_NEAR(obj.f(a), naive, 1e-10 * std::abs(naive));
}

TEST(MmcObjective, DiagonalGradientAndHessianMatchFiniteDifferences) {
  torch::manual_seed(3);
  torch::Tensor x = torch::randn({14, 4}, torch::kFloat64);
  torch::Tensor y = torch::arange(14, torch::kInt64).remainder(2);
  MmcDiagObjective obj(x, PairSets{same_class_pairs(y), different_class_pairs(y)}, 1.5);
  torch::Tensor a = torch::tensor({0.5, 1.2, 2.0, 0.8}, torch::kFloat64);
  torch::Tensor g = obj.gradient(a), hs = obj.hessian(a);
  const double h = 1e-5;
  for (int64_t k = 0; k < 4; ++k) {
    torch::Tensor e = torch::zeros({4}, torch::kFloat64);
    e[k] = h;
    EXPECT_NEAR((obj.value(a + e) - obj.value(a - e)) / (2 * h), g[k].item<double>(), 1e-7);
    torch::Tensor fd_col = (obj.gradient(a + e) - obj.gradient(a - e)) / (2 * h);
    EXPECT_TRUE(torch::allclose(fd_col, hs.select(1, k), 1e-5, 1e-7)) << fd_col << hs;
  }
}

// Xing et al.'s synthetic 2-class 3-D data: the classes differ only along x (small spread); y and z carry
// large noise, so Euclidean K-means splits along the noise (pairwise accuracy ~ 0.5).
std::pair<torch::Tensor, torch::Tensor> xing_synthetic(int64_t per_class) {
  torch::manual_seed(20);
  torch::Tensor y = torch::arange(2 * per_class, torch::kInt64).remainder(2);
  torch::Tensor x0 = 2.0 * y.to(torch::kFloat64) - 1.0 + 0.25 * torch::randn({2 * per_class}, torch::kFloat64);
  torch::Tensor yz = 5.0 * torch::randn({2 * per_class, 2}, torch::kFloat64);
  return {torch::cat({x0.unsqueeze(1), yz}, 1), y};
}

TEST(MmcSolver, XingSyntheticKMeansGoesFromChanceToPerfect) {
  auto [x, y] = xing_synthetic(100);
  PairSets p;
  p.similar = xing_similar_pairs(y, 0.7, 1);  // "much" side information
  p.dissimilar = pairs_not_in(y.size(0), p.similar);
  KMeansOptions ko;
  ko.restarts = 5;
  double euclid = pairwise_clustering_accuracy(y, kmeans(x, 2, ko));
  EXPECT_LT(euclid, 0.6);
  EXPECT_GT(euclid, 0.4);
  FitResult full = fit_mmc_full(x, p);
  EXPECT_GE(min_eigenvalue(full.model.M()), -1e-9);
  double learned = pairwise_clustering_accuracy(y, kmeans(full.model.transform(x), 2, ko));
  EXPECT_GT(learned, 0.98) << "status " << to_string(full.status) << " M=" << full.model.M();
  FitResult diag = fit_mmc_diag(x, p);
  double learned_diag = pairwise_clustering_accuracy(y, kmeans(diag.model.transform(x), 2, ko));
  EXPECT_GT(learned_diag, 0.98);
  // Constrained K-means alone keeps components together but still sees the Euclidean geometry.
  double constrained = pairwise_clustering_accuracy(y, constrained_kmeans(full.model.transform(x), 2, p.similar, ko));
  EXPECT_GT(constrained, 0.98);
}

TEST(MmcSolver, FullSolutionRespectsTheConstraintAndBeatsTheStart) {
  auto [x, y] = xing_synthetic(30);
  PairSets p{same_class_pairs(y), different_class_pairs(y)};
  MmcFullObjective obj(x, p);
  FitResult r = fit_mmc_full(x, p);
  torch::Tensor m = r.model.M();
  double t = 0.01 * obj.W().diagonal().sum().item<double>();
  EXPECT_LE(obj.f(m), t * (1 + 0.01 + 1e-9));
  EXPECT_GE(min_eigenvalue(m), -1e-9);
  // Scale-free comparison with A = I rescaled onto the constraint: g(sI) with s = t / f(I).
  torch::Tensor start = torch::eye(3, torch::kFloat64) * (t / obj.f(torch::eye(3, torch::kFloat64)));
  EXPECT_GT(obj.g(m), obj.g(start));
  EXPECT_NEAR(r.objective, obj.g(m), 1e-8 * r.objective);
}

TEST(MmcSolver, DiagonalScalesLinearlyWithTheLogWeight) {
  // g(a) = s.a - c log(sum_D sqrt(a.dx^2)): the minimiser for weight c is c times the one for weight 1.
  auto [x, y] = xing_synthetic(20);
  PairSets p{same_class_pairs(y), different_class_pairs(y)};
  MmcDiagOptions o1, o4;
  o1.conv_tol = o4.conv_tol = 1e-10;
  o4.c = 4.0;
  torch::Tensor a1 = fit_mmc_diag(x, p, o1).model.M().diagonal();
  torch::Tensor a4 = fit_mmc_diag(x, p, o4).model.M().diagonal();
  EXPECT_TRUE(torch::allclose(a4, 4 * a1, 1e-4, 1e-8)) << a1 << a4;
  EXPECT_GE(a1.min().item<double>(), 0.0);
  // At the optimum the gradient vanishes on coordinates with a_k > 0.
  MmcDiagObjective obj(x, p, 1.0);
  torch::Tensor g = obj.gradient(a1);
  double scale = obj.gradient(torch::ones({3}, torch::kFloat64)).abs().max().item<double>();
  for (int64_t k = 0; k < 3; ++k) {
    if (a1[k].item<double>() > 1e-8) {
      EXPECT_NEAR(g[k].item<double>(), 0.0, 1e-4 * scale);
    }
  }
}

TEST(MmcSolver, DiagonalIgnoresConstantColumns) {
  // A constant column (like digits' always-blank pixels) has zero rows in the Hessian; the solver must leave
  // it out of the Newton system, keep it at weight 0 and give the other coordinates the same weights as
  // without the column.
  auto [x, y] = xing_synthetic(20);
  PairSets p{same_class_pairs(y), different_class_pairs(y)};
  torch::Tensor xc = torch::cat({x.slice(1, 0, 1), torch::full({x.size(0), 2}, 7.0, torch::kFloat64), x.slice(1, 1)}, 1);
  MmcDiagOptions o;
  o.conv_tol = 1e-10;
  FitResult plain = fit_mmc_diag(x, p, o);
  FitResult with_const = fit_mmc_diag(xc, p, o);
  torch::Tensor a = plain.model.M().diagonal();
  torch::Tensor ac = with_const.model.M().diagonal();
  ASSERT_TRUE(torch::isfinite(ac).all().item<bool>()) << ac;
  EXPECT_EQ(ac[1].item<double>(), 0.0);
  EXPECT_EQ(ac[2].item<double>(), 0.0);
  torch::Tensor rest = torch::cat({ac.slice(0, 0, 1), ac.slice(0, 3)});
  EXPECT_TRUE(torch::allclose(rest, a, 1e-4, 1e-8)) << a << ac;
  EXPECT_NEAR(with_const.objective, plain.objective, 1e-8 * std::abs(plain.objective));
}

TEST(MmcSolver, NonConvergenceIsReportedAsAStatus) {
  auto [x, y] = xing_synthetic(20);
  PairSets p{same_class_pairs(y), different_class_pairs(y)};
  MmcFullOptions o;
  o.max_iter = 1;
  FitResult r;
  ASSERT_NO_THROW(r = fit_mmc_full(x, p, o));
  EXPECT_NE(r.status, FitStatus::kConverged);
  EXPECT_EQ(r.iterations, 1);
  EXPECT_FALSE(r.message.empty());
  MmcDiagOptions od;
  od.max_iter = 1;
  od.conv_tol = 1e-300;
  FitResult rd;
  ASSERT_NO_THROW(rd = fit_mmc_diag(x, p, od));
  EXPECT_NE(rd.status, FitStatus::kConverged);
}

TEST(MetricSideInfo, XingPairsReachTheComponentTarget) {
  torch::Tensor y = torch::arange(100, torch::kInt64).remainder(4);
  for (double frac : {0.9, 0.7}) {
    torch::Tensor s = xing_similar_pairs(y, frac, 4);
    std::vector<int64_t> comp = connected_components(100, s);
    int64_t kc = *std::max_element(comp.begin(), comp.end()) + 1;
    EXPECT_EQ(kc, static_cast<int64_t>(std::llround(frac * 100)));
    for (int64_t r = 0; r < s.size(0); ++r) {
      EXPECT_EQ(y[s[r][0].item<int64_t>()].item<int64_t>(), y[s[r][1].item<int64_t>()].item<int64_t>());
      EXPECT_LT(s[r][0].item<int64_t>(), s[r][1].item<int64_t>());
    }
  }
  torch::Tensor yy = torch::tensor({0, 0, 1, 1, 1}, torch::kInt64);
  EXPECT_EQ(same_class_pairs(yy).size(0), 1 + 3);
  EXPECT_EQ(different_class_pairs(yy).size(0), 2 * 3);
  EXPECT_EQ(pairs_not_in(5, same_class_pairs(yy)).size(0), 10 - 4);
  EXPECT_EQ(subsample_pairs(different_class_pairs(yy), 4, 0).size(0), 4);
}

}  // namespace
}  // namespace siamese
