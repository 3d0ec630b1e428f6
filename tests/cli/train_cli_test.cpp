// End to end: the `siamese` program trains on a small synthetic IDX set, is interrupted and resumed (ending
// with exactly the metrics of an uninterrupted run), evaluates, plots and embeds; bad recipes, bad data and
// a diverging run give the documented exit codes and one-line messages.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/cli_helpers.h"

namespace siamese::testing {
namespace {

std::string toy_recipe(const std::string& data_section, int iterations) {
  return data_section +
         "val_fraction = 0.2\n"
         "[run]\nseed = 3\nthreads = 1\n"
         "[model]\nname = \"lenet\"\nembedding_dim = 2\nconv1 = 4\nconv2 = 8\nhidden = 32\n"
         "[loss]\nname = \"contrastive\"\n"
         "[sampler]\nname = \"m_per_class\"\nclasses_per_batch = 4\nper_class = 4\n"
         "[optimizer]\nlr = 0.01\n"
         "[train]\niterations = " + std::to_string(iterations) + "\nlog_every = 10\ncheckpoint_every = 25\n"
         "[eval]\nmax_pairs = 5000\n";
}

class TrainCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fresh_dir("train");
    data_ = make_toy_idx(dir_);
    write_text(dir_ + "/toy.toml", toy_recipe(data_, 60));
  }
  static std::string dir_, data_;
};
std::string TrainCli::dir_, TrainCli::data_;

nlohmann::json report(const std::string& run) { return nlohmann::json::parse(read_text(run + "/report.json")); }

TEST_F(TrainCli, InterruptedAndResumedRunEqualsUninterrupted) {
  auto full = run_siamese("train " + dir_ + "/toy.toml --run-dir " + dir_ + "/full --quiet");
  ASSERT_EQ(full.exit_code, 0) << full.output;
  auto part = run_siamese("train " + dir_ + "/toy.toml --run-dir " + dir_ + "/part --quiet --set train.stop_at_iteration=30");
  ASSERT_EQ(part.exit_code, 0) << part.output;
  EXPECT_NE(part.output.find("stopped after 30"), std::string::npos) << part.output;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/part/model.pt"));
  auto again = run_siamese("train " + dir_ + "/toy.toml --run-dir " + dir_ + "/part --quiet");
  EXPECT_EQ(again.exit_code, 2) << again.output;  // refuses to overwrite without --resume / --force
  EXPECT_NE(again.output.find("--resume"), std::string::npos) << again.output;
  auto resumed = run_siamese("train " + dir_ + "/toy.toml --run-dir " + dir_ + "/part --quiet --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;

  for (auto run : {"/full", "/part"}) {
    auto ev = run_siamese("eval --run-dir " + dir_ + run);
    ASSERT_EQ(ev.exit_code, 0) << ev.output;
  }
  auto a = report(dir_ + "/full"), b = report(dir_ + "/part");
  for (auto key : {"verification", "knn", "retrieval"}) EXPECT_EQ(a[key].dump(), b[key].dump()) << key;
  // The metrics log of the resumed run has every logged iteration exactly once.
  auto lines = read_text(dir_ + "/part/metrics.jsonl");
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 6) << lines;
  EXPECT_EQ(read_text(dir_ + "/full/model.pt"), read_text(dir_ + "/part/model.pt"));
  // The toy classes are easy: the trained 2-D embedding separates them well.
  EXPECT_GT(a["verification"]["auc"].get<double>(), 0.8) << a.dump();
  EXPECT_EQ(a["verification"]["threshold_from"], "val");
}

TEST_F(TrainCli, ResumeRejectsAChangedRecipe) {
  auto r = run_siamese("train " + dir_ + "/toy.toml --run-dir " + dir_ + "/changed --quiet --set train.stop_at_iteration=10");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = run_siamese("train " + dir_ + "/toy.toml --run-dir " + dir_ + "/changed --quiet --resume --set loss.margin=2");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("differs"), std::string::npos) << r.output;
}

TEST_F(TrainCli, PlotAndEmbedWriteFiles) {
  const std::string run = dir_ + "/plotted";
  ASSERT_EQ(run_siamese("train " + dir_ + "/toy.toml --run-dir " + run + " --quiet --set train.iterations=20").exit_code, 0);
  auto p = run_siamese("plot --run-dir " + run);
  ASSERT_EQ(p.exit_code, 0) << p.output;
  for (auto f : {"/embedding.png", "/roc.png", "/loss.png"}) EXPECT_TRUE(std::filesystem::exists(run + f)) << f;
  auto e = run_siamese("embed --run-dir " + run + " --split test");
  ASSERT_EQ(e.exit_code, 0) << e.output;
  auto tsv = read_text(run + "/embeddings-test.tsv");
  EXPECT_EQ(std::count(tsv.begin(), tsv.end(), '\n'), 80);
  auto meta = read_text(run + "/embeddings-test.metadata.tsv");
  EXPECT_EQ(std::count(meta.begin(), meta.end(), '\n'), 81);  // with a header
  EXPECT_EQ(std::filesystem::file_size(run + "/embeddings-test.npy"), 128u + 80 * 2 * 4);
  EXPECT_TRUE(std::filesystem::exists(run + "/config.toml"));
}

TEST_F(TrainCli, BadRecipesExitTwoNamingFileLineKey) {
  write_text(dir_ + "/bad.toml", data_ + "[loss]\nmargn = 1.0\n");
  auto r = run_siamese("train " + dir_ + "/bad.toml --run-dir " + dir_ + "/bad");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("bad.toml:8"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("'margn'"), std::string::npos) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;  // one line

  r = run_siamese("train " + dir_ + "/missing.toml");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("missing.toml: cannot open"), std::string::npos) << r.output;
  r = run_siamese("train " + dir_ + "/toy.toml --set loss.name=nope --run-dir " + dir_ + "/bad2");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("known: "), std::string::npos) << r.output;
  r = run_siamese("frobnicate");
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

TEST_F(TrainCli, BadDataExitsThreeNamingFile) {
  const std::string bad = fresh_dir("baddata");
  std::string section = make_toy_idx(bad, 2, 4, 4);
  std::string img = read_text(bad + "/train-images");
  write_text(bad + "/train-images", img.substr(0, img.size() / 2));
  write_text(bad + "/r.toml", toy_recipe(section, 5));
  auto r = run_siamese("train " + bad + "/r.toml --run-dir " + bad + "/run");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find(bad + "/train-images: truncated"), std::string::npos) << r.output;
  r = run_siamese("eval --run-dir " + bad + "/nothing-here");
  EXPECT_EQ(r.exit_code, 3) << r.output;
}

TEST_F(TrainCli, DivergingRunStopsWithStepAndKeepsCheckpoint) {
  const std::string run = dir_ + "/nan";
  auto r = run_siamese("train " + dir_ + "/toy.toml --run-dir " + run +
                       " --quiet --set optimizer.lr=1e30 --set train.checkpoint_every=1 --set optimizer.bias_lr_mult=1");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("at iteration"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(run + "/model.pt"));
}

TEST_F(TrainCli, ListShowsComponentsAndParameters) {
  auto r = run_siamese("list losses");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("contrastive_legacy"), std::string::npos);
  EXPECT_NE(r.output.find("margin"), std::string::npos);
  r = run_siamese("list");
  EXPECT_NE(r.output.find("lenet"), std::string::npos);
  EXPECT_NE(r.output.find("caffe_pairs"), std::string::npos);
  r = run_siamese("list gizmos");
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace siamese::testing
