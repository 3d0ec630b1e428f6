// Evaluation pieces used by the metric learners: folds, kNN, K-means, Xing's clustering accuracy; the
// Mahalanobis model file; the learner registry and its parameter validation; cross-validation of a learner.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>

#include "siamese/core/error.h"
#include "siamese/distance/euclidean.h"
#include "siamese/eval/cross_validation.h"
#include "siamese/eval/metrics.h"
#include "siamese/metric/clustering.h"
#include "siamese/metric/evaluation.h"
#include "siamese/metric/learner.h"
#include "siamese/distance/mahalanobis_model.h"

namespace siamese {
namespace {

TEST(MetricEval, StratifiedFoldsPartitionTheRowsAndBalanceClasses) {
  torch::Tensor y = torch::cat({torch::zeros({10}, torch::kInt64), torch::ones({23}, torch::kInt64)});
  auto folds = stratified_kfold(y, 5, 9);
  ASSERT_EQ(folds.size(), 5u);
  std::vector<int> seen(33, 0);
  for (const auto& f : folds) {
    EXPECT_EQ(f.train.size(0) + f.test.size(0), 33);
    for (int64_t i = 0; i < f.test.size(0); ++i) ++seen[f.test[i].item<int64_t>()];
    EXPECT_EQ((y.index_select(0, f.test) == 0).sum().item<int64_t>(), 2);  // 10 class-0 rows / 5 folds
    int64_t ones = (y.index_select(0, f.test) == 1).sum().item<int64_t>();
    EXPECT_TRUE(ones == 4 || ones == 5);
    EXPECT_EQ(torch::isin(f.train, f.test).sum().item<int64_t>(), 0);
  }
  for (int c : seen) EXPECT_EQ(c, 1);
  // Same seed, same folds; another seed, other folds.
  EXPECT_TRUE(stratified_kfold(y, 5, 9)[0].test.equal(folds[0].test));
  EXPECT_FALSE(stratified_kfold(y, 5, 10)[0].test.equal(folds[0].test));
  EXPECT_THROW(stratified_kfold(y, 1, 0), ConfigError);
}

TEST(MetricEval, KnnVotesAndBreaksTiesByNearest) {
  // The kNN of the cross-validation is the one of eval/metrics.h (queries first, then references).
  // 1-D training points: 0 (a), 1 (a), 10 (b), 11 (b), 12 (b).
  torch::Tensor xtr = torch::tensor({0., 1., 10., 11., 12.}, torch::kFloat64).unsqueeze(1);
  torch::Tensor ytr = torch::tensor({0, 0, 1, 1, 1}, torch::kInt64);
  torch::Tensor q = torch::tensor({0.2, 9.0, 5.0, 6.0}, torch::kFloat64).unsqueeze(1);
  EuclideanDistance euclidean(0.0);
  // 3-NN: 0.2 -> {0,1,10}: a; 9 -> {10,11,12}: b; 5 -> {1,0,10}: a; 6 -> {10,11,1}: b.
  EXPECT_TRUE(knn_predict(q, xtr, ytr, 3, euclidean).equal(torch::tensor({0, 1, 0, 1}, torch::kInt64)));
  // 2-NN tie at 5.4 ({1: a, 10: b}) goes to the nearer one (1 at distance 4.4 vs 10 at 4.6).
  torch::Tensor q2 = torch::tensor({5.4}, torch::kFloat64).unsqueeze(1);
  EXPECT_EQ(knn_predict(q2, xtr, ytr, 2, euclidean)[0].item<int64_t>(), 0);
  EXPECT_DOUBLE_EQ(knn_accuracy(q, torch::tensor({0, 1, 1, 1}, torch::kInt64), xtr, ytr, 3, euclidean), 0.75);
  EXPECT_THROW(knn_predict(q, xtr, ytr, 6, euclidean), ConfigError);
}

TEST(MetricEval, PairwiseClusteringAccuracyByHand) {
  // truth {0,0,1,1}, found {0,1,1,1}: 6 pairs; agreeing: (0,1)? same/diff no; (0,2) diff/diff yes; (0,3) yes;
  // (1,2) diff/same no; (1,3) no; (2,3) same/same yes -> 3/6.
  torch::Tensor c = torch::tensor({0, 0, 1, 1}, torch::kInt64), h = torch::tensor({0, 1, 1, 1}, torch::kInt64);
  EXPECT_DOUBLE_EQ(pairwise_clustering_accuracy(c, h), 0.5);
  // Balanced: same-class pairs (0,1),(2,3): 1 of 2 together; different-class pairs: 2 of 4 apart -> 0.5.
  EXPECT_DOUBLE_EQ(pairwise_clustering_accuracy(c, h, true), 0.5);
  // Cluster ids are arbitrary: a relabelled perfect clustering scores 1.
  EXPECT_DOUBLE_EQ(pairwise_clustering_accuracy(c, torch::tensor({5, 5, 2, 2}, torch::kInt64)), 1.0);
  // Everything in one cluster: only the 2 same-class pairs agree -> 2/6; balanced -> 0.5 * 1 + 0.5 * 0.
  torch::Tensor one = torch::zeros({4}, torch::kInt64);
  EXPECT_DOUBLE_EQ(pairwise_clustering_accuracy(c, one), 2.0 / 6.0);
  EXPECT_DOUBLE_EQ(pairwise_clustering_accuracy(c, one, true), 0.5);
}

TEST(MetricEval, KMeansAndConstrainedKMeans) {
  torch::manual_seed(4);
  torch::Tensor y = torch::arange(60, torch::kInt64).remainder(3);
  torch::Tensor centres = torch::tensor({0., 0., 10., 0., 0., 10.}, torch::kFloat64).view({3, 2});
  torch::Tensor x = centres.index_select(0, y) + 0.5 * torch::randn({60, 2}, torch::kFloat64);
  EXPECT_DOUBLE_EQ(pairwise_clustering_accuracy(y, kmeans(x, 3)), 1.0);
  // Two far-apart points joined by a similar pair must share a cluster.
  torch::Tensor s = torch::tensor({0, 1}, torch::kInt64).view({1, 2});  // rows 0 (class 0) and 1 (class 1)
  torch::Tensor a = constrained_kmeans(x, 3, s);
  EXPECT_EQ(a[0].item<int64_t>(), a[1].item<int64_t>());
  EXPECT_THROW(constrained_kmeans(x, 3, torch::stack({torch::arange(59), torch::arange(1, 60)}, 1)), DataError);
}

TEST(MetricModel, SaveLoadRoundTripAndErrors) {
  MahalanobisModel m;
  m.L = torch::tensor({1.0 / 3.0, -2.5, 1e-17, 4.0, 0.1, 7.0}, torch::kFloat64).view({2, 3});
  std::string path = ::testing::TempDir() + "/siamese_metric_model.json";
  m.save(path);
  MahalanobisModel back = MahalanobisModel::load(path);
  EXPECT_TRUE(back.L.equal(m.L));  // bit-exact
  EXPECT_TRUE(torch::allclose(back.M(), m.L.t().matmul(m.L)));
  torch::Tensor x = torch::tensor({1.0, 2.0, 3.0}, torch::kFloat64).view({1, 3});
  EXPECT_TRUE(torch::allclose(back.transform(x), x.matmul(m.L.t())));
  std::string bad = ::testing::TempDir() + "/siamese_metric_bad.json";
  std::ofstream(bad) << R"({"format": "siamese.mahalanobis", "version": 1, "L": [[1, 2], [3]]})";
  try {
    MahalanobisModel::load(bad);
    ADD_FAILURE() << "ragged L accepted";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("siamese_metric_bad.json"), std::string::npos) << e.what();
  }
  std::ofstream(bad) << "{not json";
  EXPECT_THROW(MahalanobisModel::load(bad), DataError);
}

TEST(MetricRegistry, NamesSchemasAndStrictParameters) {
  const auto& reg = metric_learner_registry();
  EXPECT_EQ(reg.names(), (std::vector<std::string>{"euclidean", "mmc", "mmc-diag", "lmnn"}));
  try {
    reg.entry("lmnnn");
    ADD_FAILURE() << "unknown name accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("lmnn"), std::string::npos) << e.what();
  }
  EXPECT_THROW(reg.create_with("lmnn", {{"kk", int64_t{3}}}), ConfigError);
  EXPECT_THROW(reg.create_with("lmnn", {{"mu", 1.5}}), ConfigError);
  EXPECT_THROW(reg.create_with("mmc", {{"similar", std::string("some")}}), ConfigError);
  EXPECT_NO_THROW(reg.create_with("mmc-diag", {{"c", 2.0}}));
}

TEST(MetricCrossValidation, LmnnOnIrisIsAtLeastAsGoodAsEuclidean) {
  const std::string path = "/usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv";
  if (!std::ifstream(path)) GTEST_SKIP() << "python3-sklearn data not installed";
  // Parsing inline keeps this test independent of the CSV loader's own tests.
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::vector<double> xs;
  std::vector<int64_t> ys;
  while (std::getline(in, line)) {
    double a, b, c, d;
    int64_t l;
    ASSERT_EQ(std::sscanf(line.c_str(), "%lf,%lf,%lf,%lf,%ld", &a, &b, &c, &d, &l), 5);
    xs.insert(xs.end(), {a, b, c, d});
    ys.push_back(l);
  }
  torch::Tensor x = torch::tensor(xs, torch::kFloat64).view({-1, 4}), y = torch::tensor(ys, torch::kInt64);
  const auto& reg = metric_learner_registry();
  CvReport e = cross_validate_knn(*reg.create_with("euclidean", {}), "euclidean", x, y, 5, 3, 0);
  CvReport l = cross_validate_knn(*reg.create_with("lmnn", {{"max_iter", int64_t{200}}}), "lmnn", x, y, 5, 3, 0);
  ASSERT_EQ(e.per_fold.size(), 5u);
  EXPECT_GT(e.mean_accuracy, 0.93);  // 3-NN on raw iris is ~0.96
  EXPECT_GE(l.mean_accuracy, e.mean_accuracy - 0.02);
  for (const auto& f : l.per_fold) {
    EXPECT_EQ(f.train_size + f.test_size, 150);
    EXPECT_GT(f.fit_seconds, 0.0);
  }
}

}  // namespace
}  // namespace siamese
