// Diagnostics: hand-computed batch statistics, the collapse monitor's two triggers (and that it fires
// once), and a training run that collapses on purpose (margin ~0: nothing pushes negatives apart) whose
// metrics.jsonl carries the diagnostics and whose rows trip the monitor.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "siamese/mine/all_tuples.h"
#include "siamese/train/diagnostics.h"
#include "siamese/train/trainer.h"

namespace siamese {
namespace {

TEST(DiagnosticsBatch, HandComputedPairStatistics) {
  // 1-D embeddings: class 0 at 0, 1, 5; class 1 at 2.3, 3.8, 9.2 (see miners_test.cpp for the distances).
  auto emb = torch::tensor({0.0, 1.0, 5.0, 2.3, 3.8, 9.2}, torch::kDouble).view({6, 1});
  LossInput in;
  in.embeddings = emb;
  in.labels = torch::tensor({0, 0, 0, 1, 1, 1}, torch::kLong);
  auto dist = make_distance("euclidean", 1);
  nlohmann::json row;
  batch_diagnostics(emb, in, *dist, row, {2.5});
  EXPECT_EQ(row["num_pairs"].get<int64_t>(), 15);
  EXPECT_NEAR(row["pos_dist"].get<double>(), (1 + 5 + 4 + 1.5 + 6.9 + 5.4) / 6.0, 1e-6);
  EXPECT_NEAR(row["neg_dist"].get<double>(), (2.3 + 3.8 + 9.2 + 1.3 + 2.8 + 8.2 + 2.7 + 1.2 + 4.2) / 9.0, 1e-6);
  EXPECT_NEAR(row["dist_gap"].get<double>(), row["neg_dist"].get<double>() - row["pos_dist"].get<double>(), 1e-12);
  // Active: the 6 positives and the negatives closer than 2.5 (2.3, 1.3, 1.2): 9 of 15.
  EXPECT_NEAR(row["active_fraction"].get<double>(), 9.0 / 15.0, 1e-12);
  EXPECT_NEAR(row["emb_norm"].get<double>(), 21.3 / 6.0, 1e-9);
  const double mean = 21.3 / 6.0;
  double ss = 0;
  for (double v : {0.0, 1.0, 5.0, 2.3, 3.8, 9.2}) ss += (v - mean) * (v - mean);
  EXPECT_NEAR(row["emb_spread"].get<double>(), std::sqrt(ss / 6.0), 1e-9);
}

TEST(DiagnosticsBatch, TripletActivity) {
  auto emb = torch::tensor({0.0, 1.0, 5.0, 2.3, 3.8, 9.2}, torch::kDouble).view({6, 1});
  LossInput in;
  in.embeddings = emb;
  // (0,1,3): d_ap 1, d_an 2.3 -> active for margin 2 (2.3 < 3); (0,2,3): 5 vs 2.3 -> active; (3,4,5): 1.5 vs 6.9 -> not.
  in.triplets = Triplets::make({0, 0, 3}, {1, 2, 4}, {3, 3, 5});
  auto dist = make_distance("euclidean", 1);
  nlohmann::json row;
  batch_diagnostics(emb, in, *dist, row, {2.0});
  EXPECT_EQ(row["num_triplets"].get<int64_t>(), 3);
  EXPECT_NEAR(row["active_fraction"].get<double>(), 2.0 / 3.0, 1e-12);
  EXPECT_TRUE(row.contains("pos_dist") && row.contains("neg_dist"));
}

TEST(DiagnosticsCollapse, FiresOnceWhenEmbeddingsCoincide) {
  CollapseMonitor m;
  EXPECT_FALSE(m.check({{"iter", 100}, {"loss", 0.5}, {"emb_spread", 0.8}, {"emb_norm", 1.0}, {"active_fraction", 0.4}}));
  auto w = m.check({{"iter", 200}, {"loss", 0.1}, {"emb_spread", 1e-5}, {"emb_norm", 2.0}, {"active_fraction", 0.4}});
  ASSERT_TRUE(w.has_value());
  EXPECT_NE(w->find("collapsed"), std::string::npos);
  EXPECT_NE(w->find("iteration 200"), std::string::npos);
  EXPECT_NE(w->find("margin"), std::string::npos);  // with a suggestion
  EXPECT_FALSE(m.check({{"iter", 300}, {"loss", 0.1}, {"emb_spread", 1e-6}, {"emb_norm", 2.0}}));
  EXPECT_TRUE(m.fired());
}

TEST(DiagnosticsCollapse, FiresWhenTheLossIsStuckWithEverythingActive) {
  CollapseMonitor m({1e-3, 0.99, 3, 0.01});
  // Everything active but the loss still falls: no warning.
  for (double loss : {1.0, 0.9, 0.8, 0.7})
    EXPECT_FALSE(m.check({{"loss", loss}, {"emb_spread", 0.5}, {"active_fraction", 1.0}}));
  EXPECT_FALSE(m.check({{"loss", 0.2}, {"emb_spread", 0.5}, {"active_fraction", 1.0}}));
  EXPECT_FALSE(m.check({{"loss", 0.2005}, {"emb_spread", 0.5}, {"active_fraction", 1.0}}));
  auto w = m.check({{"loss", 0.1999}, {"emb_spread", 0.5}, {"active_fraction", 1.0}});
  ASSERT_TRUE(w.has_value());
  EXPECT_NE(w->find("stuck"), std::string::npos);
}

TEST(DiagnosticsCollapse, DeliberatelyCollapsingRunWritesDiagnosticsAndWarns) {
  namespace fs = std::filesystem;
  const auto dir = fs::temp_directory_path() / "siamese_diag_collapse";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto recipe = (dir / "collapse.toml").string();
  // Margin ~0: only the attraction of similar pairs acts. With a linear branch and isotropic within-class
  // noise every direction of W is pulled to zero, so all embeddings contract onto the bias.
  std::ofstream(recipe) << R"([run]
seed = 3
threads = 1
[data]
name = "blobs"
num_classes = 4
dim = 6
per_class = 40
test_per_class = 5
spread = 2.0
val_fraction = 0
[model]
name = "mlp"
embedding_dim = 2
hidden = ""
[loss]
name = "contrastive"
margin = 1e-9
[sampler]
name = "m_per_class"
classes_per_batch = 4
per_class = 8
[miner]
name = "all_pairs"
[optimizer]
type = "sgd"
lr = 0.3
momentum = 0.0
[train]
iterations = 300
log_every = 20
checkpoint_every = 1000
)";
  std::vector<std::string> warnings;
  TrainOptions o;
  o.recipe = recipe;
  o.run_dir = (dir / "run").string();
  o.force = true;
  o.warn = [&](const std::string& w) { warnings.push_back(w); };  // the built-in collapse watch reports here
  train(o);
  std::ifstream metrics(dir / "run" / "metrics.jsonl");
  std::string line;
  int64_t rows = 0;
  while (std::getline(metrics, line)) {
    auto j = nlohmann::json::parse(line);
    for (auto key : {"pos_dist", "neg_dist", "dist_gap", "active_fraction", "emb_norm", "emb_spread"})
      EXPECT_TRUE(j.contains(key)) << key << " missing in " << line;
    ++rows;
  }
  EXPECT_EQ(rows, 15);
  ASSERT_EQ(warnings.size(), 1u) << "the collapse warning must fire exactly once";
  EXPECT_NE(warnings[0].find("collapsed"), std::string::npos) << warnings[0];
}

}  // namespace
}  // namespace siamese
