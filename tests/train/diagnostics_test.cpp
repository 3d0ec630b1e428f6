// Diagnostics: hand-computed batch statistics in the loss's own distance and active fractions from the
// loss's own terms (one case per loss family where the old "look up a parameter called margin" rule was
// wrong: triplet_hinge, ddml, energy_exp), an oracle over every registered loss, the collapse monitor's two
// triggers (and that it fires once), and a training run that collapses on purpose (margin ~0: nothing
// pushes negatives apart) whose metrics.jsonl carries the diagnostics and whose rows trip the monitor.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "siamese/loss/deepid2.h"
#include "siamese/mine/all_tuples.h"
#include "siamese/train/diagnostics.h"
#include "siamese/train/trainer.h"

namespace siamese {
namespace {

nlohmann::json diagnose(const LossInput& in, Loss& loss) {
  nlohmann::json row;
  torch::NoGradGuard no_grad;
  batch_diagnostics(in, loss, row);
  return row;
}

// Pairs (2k, 2k + 1) over the rows of `e`.
LossInput consecutive_pairs(torch::Tensor e, const std::vector<PairLabel>& labels) {
  std::vector<int64_t> f, s;
  for (int64_t k = 0; k < static_cast<int64_t>(labels.size()); ++k) f.push_back(2 * k), s.push_back(2 * k + 1);
  LossInput in;
  in.embeddings = std::move(e);
  in.pairs = Pairs::make(f, s, labels);
  return in;
}

constexpr PairLabel S = PairLabel::kSame;
constexpr PairLabel D = PairLabel::kDifferent;

TEST(DiagnosticsBatch, HandComputedPairStatistics) {
  // 1-D embeddings: class 0 at 0, 1, 5; class 1 at 2.3, 3.8, 9.2 (see miners_test.cpp for the distances).
  auto emb = torch::tensor({0.0, 1.0, 5.0, 2.3, 3.8, 9.2}, torch::kDouble).view({6, 1});
  LossInput in;
  in.embeddings = emb;
  in.labels = torch::tensor({0, 0, 0, 1, 1, 1}, torch::kLong);
  auto loss = make_loss("contrastive", {}, {{"margin", 2.5}});
  auto row = diagnose(in, *loss);
  EXPECT_EQ(row["num_pairs"].get<int64_t>(), 15);
  EXPECT_NEAR(row["pos_dist"].get<double>(), (1 + 5 + 4 + 1.5 + 6.9 + 5.4) / 6.0, 1e-6);
  EXPECT_NEAR(row["neg_dist"].get<double>(), (2.3 + 3.8 + 9.2 + 1.3 + 2.8 + 8.2 + 2.7 + 1.2 + 4.2) / 9.0, 1e-6);
  EXPECT_NEAR(row["dist_gap"].get<double>(), row["neg_dist"].get<double>() - row["pos_dist"].get<double>(), 1e-12);
  // Terms > 0: the 6 positives (½d² with d > 0) and the negatives closer than 2.5 (2.3, 1.3, 1.2): 9 of 15.
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
  // max(0, d_ap - d_an + 2): (0,1,3): 1 - 2.3 + 2 = 0.7 > 0; (0,2,3): 5 - 2.3 + 2 > 0; (3,4,5): 1.5 - 6.9 + 2 < 0.
  in.triplets = Triplets::make({0, 0, 3}, {1, 2, 4}, {3, 3, 5});
  auto loss = make_loss("triplet_margin", {}, {{"margin", 2.0}, {"squared", false}, {"normalize", false}});
  auto row = diagnose(in, *loss);
  EXPECT_EQ(row["num_triplets"].get<int64_t>(), 3);
  EXPECT_NEAR(row["active_fraction"].get<double>(), 2.0 / 3.0, 1e-12);
  EXPECT_TRUE(row.contains("pos_dist") && row.contains("neg_dist"));
}

TEST(DiagnosticsBatch, TripletHingeUsesSquaredDistancesOnUnitVectors) {
  // Deep Ranking: max(0, 1 + D(a,p) - D(a,n)), D = squared L2 after L2 normalisation.
  //   (1,0) (0,1) (-1,0):   1 + 2 - 4 < 0                                   inactive
  //   (2,0) (-5,0) (0,0.3): unit (1,0) (-1,0) (0,1): 1 + 4 - 2 = 3           active
  //   (10,0) (10,1) (0,10): D(a,p) = 2 - 20/√101 ≈ 0.0099, D(a,n) = 2: < 0   inactive
  // -> 1/3. The old rule (unsquared raw distances, "margin" 1 as triplet_hinge has none) said 2/3.
  auto emb = torch::tensor({1.0, 0.0, 0.0, 1.0, -1.0, 0.0, 2.0, 0.0, -5.0, 0.0, 0.0, 0.3, 10.0, 0.0, 10.0, 1.0, 0.0, 10.0},
                           torch::kDouble).view({9, 2});
  LossInput in;
  in.embeddings = emb;
  in.triplets = Triplets::make({0, 3, 6}, {1, 4, 7}, {2, 5, 8});
  auto loss = make_loss("triplet_hinge", {});
  auto row = diagnose(in, *loss);
  EXPECT_NEAR(row["active_fraction"].get<double>(), 1.0 / 3.0, 1e-12);
  // pos_dist / neg_dist in the loss's distance (Euclidean between unit vectors), not the raw one (7 for t2).
  const double d3 = std::sqrt(2 - 20 / std::sqrt(101.0));
  EXPECT_NEAR(row["pos_dist"].get<double>(), (std::sqrt(2.0) + 2 + d3) / 3, 1e-6);
  EXPECT_NEAR(row["neg_dist"].get<double>(), (2 + 2 * std::sqrt(2.0)) / 3, 1e-6);
}

TEST(DiagnosticsBatch, DdmlCountsItsOwnSmoothHinge) {
  // τ = 3, term ½ g_β(1 - ℓ(τ - d²)). With β = 1000 g is a hinge to double precision (g(-1) = log(1 + e^-1000)/β = 0):
  //   same d² = 1:    z = -1     -> 0      inactive (the old rule: a positive with d > 0 is active)
  //   diff d² = 1:    z = 3      -> 1.5    active   (old: not inside "margin" 1)
  //   diff d² = 9:    z = -5     -> 0      inactive
  //   same d² = 5:    z = 3      -> 1.5    active
  //   same d² = 0.25: z = -1.75  -> 0      inactive (old: active)
  // -> 2/5 (the old rule said 3/5). With the default β = 2 every term is > 0 (a smooth loss): 1.
  auto emb = torch::tensor({0.0, 1.0, 0.0, 1.0, 0.0, 3.0, 0.0, std::sqrt(5.0), 0.0, 0.5}, torch::kDouble).view({10, 1});
  auto in = consecutive_pairs(emb, {S, D, D, S, S});
  auto hinge_like = make_loss("ddml", {}, {{"beta", 1000.0}});
  EXPECT_NEAR(diagnose(in, *hinge_like)["active_fraction"].get<double>(), 2.0 / 5.0, 1e-12);
  auto smooth = make_loss("ddml", {});
  EXPECT_NEAR(diagnose(in, *smooth)["active_fraction"].get<double>(), 1.0, 1e-12);
}

TEST(DiagnosticsBatch, EnergyExpInItsOwnL1Energy) {
  // Q = 10; genuine (0,0)-(0,0): E = 0, term 0 (inactive); genuine (0,0)-(1,1): E = 2, 0.8 (active);
  // impostor (0,0)-(3,4): E = 7, 20·exp(-1.939) > 0 (active; the old rule: not inside "margin" 1) -> 2/3.
  auto emb = torch::tensor({0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 3.0, 4.0}, torch::kDouble).view({6, 2});
  auto in = consecutive_pairs(emb, {S, S, D});
  auto loss = make_loss("energy_exp", {}, {{"q", 10.0}});
  auto row = diagnose(in, *loss);
  EXPECT_NEAR(row["active_fraction"].get<double>(), 2.0 / 3.0, 1e-12);
  // Distances in the loss's L1 energy: positives (0 + 2)/2, the negative 7 (Euclidean would give 0.71 and 5).
  EXPECT_NEAR(row["pos_dist"].get<double>(), 1.0, 1e-9);
  EXPECT_NEAR(row["neg_dist"].get<double>(), 7.0, 1e-9);
  EXPECT_NEAR(row["dist_gap"].get<double>(), 6.0, 1e-9);
}

TEST(DiagnosticsBatch, EveryLossActiveFractionIsItsOwnTermsAboveZero) {
  torch::manual_seed(8);
  LossInput in;
  in.embeddings = 0.5 * torch::randn({12, 3}, torch::kDouble);
  std::vector<int64_t> labels;
  for (int64_t k = 0; k < 12; ++k) labels.push_back(k / 3);
  in.labels = torch::tensor(labels, torch::kLong);
  in.pairs = all_pairs(in.labels);
  in.triplets = pairs_to_triplets(*in.pairs);
  LossContext ctx;
  ctx.embedding_dim = 3;
  ctx.num_classes = 4;
  for (const auto& info : loss_registry().infos()) {
    SCOPED_TRACE(info.name);
    auto loss = make_loss(info.name, ctx);
    loss->to(torch::kDouble);
    loss->prepare(in.embeddings);
    auto row = diagnose(in, *loss);
    auto terms = loss->terms(in).terms;
    EXPECT_NEAR(row["active_fraction"].get<double>(), (terms > 0).to(torch::kDouble).mean().item<double>(), 1e-12);
    auto d = loss->distance()->paired(in.embeddings.index_select(0, in.pairs->first),
                                      in.embeddings.index_select(0, in.pairs->second));
    EXPECT_NEAR(row["pos_dist"].get<double>(), d.masked_select(in.pairs->same).mean().item<double>(), 1e-9);
    EXPECT_EQ(row["num_pairs"].get<int64_t>(), in.pairs->size());
    EXPECT_EQ(row["num_triplets"].get<int64_t>(), in.triplets->size());
  }
  // Diagnostics never train: DeepID2 in training mode does not add the pairs to its margin window.
  auto deepid2 = std::dynamic_pointer_cast<DeepId2Loss>(make_loss("deepid2", ctx, {{"margin_every", int64_t{1000}}}));
  deepid2->to(torch::kDouble);
  deepid2->train();
  diagnose(in, *deepid2);
  EXPECT_EQ(deepid2->window_size(), 0);
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
