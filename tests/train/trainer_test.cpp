// Training driven from C++ without the program: the trainer's parts (run directory lock and policy,
// checkpoints, tuple resolution, hooks, stop flag, NaN guard) as a library user meets them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "siamese/core/error.h"
#include "siamese/train/checkpoint.h"
#include "siamese/train/optimizer.h"
#include "siamese/train/recipe.h"
#include "siamese/train/run_dir.h"
#include "siamese/train/trainer.h"

namespace siamese {
namespace {

namespace fs = std::filesystem;

fs::path fresh(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("siamese_trainer_" + std::to_string(::getpid())) / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Four Gaussian blobs in 6-D, an MLP branch to 2-D, contrastive loss on all pairs of P x K batches.
std::string recipe_text(int iterations, const std::string& extra = "") {
  return "[run]\nseed = 5\nthreads = 1\n"
         "[data]\nname = \"blobs\"\nnum_classes = 4\ndim = 6\nper_class = 40\ntest_per_class = 10\n"
         "spread = 0.5\nval_fraction = 0.25\n"
         "[model]\nname = \"mlp\"\nembedding_dim = 2\nhidden = \"16\"\n"
         "[loss]\nname = \"contrastive\"\nmargin = 1.0\n"
         "[sampler]\nname = \"m_per_class\"\nclasses_per_batch = 4\nper_class = 4\n"
         "[optimizer]\nlr = 0.05\n"
         "[train]\niterations = " +
         std::to_string(iterations) + "\nlog_every = 5\ncheckpoint_every = 10\n" + extra;
}

std::string write_recipe(const fs::path& dir, const std::string& text) {
  const auto p = (dir / "recipe.toml").string();
  std::ofstream(p) << text;
  return p;
}

// Records what the trainer tells its hooks.
struct Recorder : TrainHook {
  RunInfo info;
  std::vector<double> losses;
  std::vector<nlohmann::json> rows;
  int finished = 0;
  void on_start(const RunInfo& r) override { info = r; }
  void on_step(const StepInfo& s) override { losses.push_back(s.loss); }
  void on_log(const StepInfo&, nlohmann::json& row) override { rows.push_back(row); }
  void on_finish(int64_t) override { ++finished; }
};

std::vector<nlohmann::json> metrics_rows(const fs::path& run) {
  std::vector<nlohmann::json> rows;
  std::ifstream in(run / "metrics.jsonl");
  std::string line;
  while (std::getline(in, line)) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

TEST(Trainer, RunsFromCppWithHooksAndLearns) {
  const auto dir = fresh("hooks");
  auto rec = std::make_shared<Recorder>();
  TrainOptions o;
  o.recipe = write_recipe(dir, recipe_text(60));
  o.run_dir = (dir / "run").string();
  o.hooks = {rec};
  const TrainResult r = train(o);
  EXPECT_EQ(r.iterations, 60);
  EXPECT_EQ(rec->info.total, 60);
  EXPECT_EQ(rec->info.log_every, 5);
  ASSERT_EQ(rec->losses.size(), 60u);
  EXPECT_EQ(rec->finished, 1);
  // Rows reach user hooks with the built-in fields already added, and the log file gets the same rows.
  ASSERT_EQ(rec->rows.size(), 12u);
  EXPECT_TRUE(rec->rows[0].contains("pos_dist")) << rec->rows[0].dump();
  const auto logged = metrics_rows(dir / "run");
  ASSERT_EQ(logged.size(), 12u);
  EXPECT_EQ(logged.back()["iter"], 60);
  double first = 0, last = 0;
  for (int i = 0; i < 10; ++i)
    first += rec->losses[static_cast<size_t>(i)], last += rec->losses[rec->losses.size() - 1 - static_cast<size_t>(i)];
  EXPECT_LT(last, 0.7 * first) << "the loss of well-separated blobs must fall";
  EXPECT_TRUE(fs::exists(dir / "run" / "model.pt"));
}

TEST(Trainer, ALockedRunDirectoryIsRefusedNamingTheHolder) {
  const auto dir = fresh("lock");
  RunDir held((dir / "run").string());
  TrainOptions o;
  o.recipe = write_recipe(dir, recipe_text(5));
  o.run_dir = held.path();
  try {
    train(o);
    FAIL() << "a second trainer on a locked run directory must be refused";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("pid " + std::to_string(::getpid())), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir / "run" / "config.toml"));
}

TEST(Trainer, StaleTemporariesOfAKilledWriteAreRemoved) {
  const auto dir = fresh("stale");
  fs::create_directories(dir / "run");
  std::ofstream(dir / "run" / "checkpoint.pt.tmp.999999") << "half a checkpoint";
  std::ofstream(dir / "run" / "notes.txt") << "the user's";
  RunDir run((dir / "run").string());
  EXPECT_EQ(run.removed_stale_files(), 1);
  EXPECT_FALSE(fs::exists(dir / "run" / "checkpoint.pt.tmp.999999"));
  EXPECT_TRUE(fs::exists(dir / "run" / "notes.txt"));
}

TEST(Trainer, StopFlagCheckpointsAndResumeEqualsAnUninterruptedRun) {
  const auto dir = fresh("stop");
  const auto recipe = write_recipe(dir, recipe_text(30));
  TrainOptions full;
  full.recipe = recipe;
  full.run_dir = (dir / "full").string();
  train(full);

  std::atomic<bool> stop{false};
  struct StopAt : TrainHook {
    std::atomic<bool>* flag;
    void on_step(const StepInfo& s) override {
      if (s.iteration == 13) flag->store(true);
    }
  };
  auto stopper = std::make_shared<StopAt>();
  stopper->flag = &stop;
  TrainOptions part;
  part.recipe = recipe;
  part.run_dir = (dir / "part").string();
  part.stop = &stop;
  part.hooks = {stopper};
  try {
    train(part);
    FAIL() << "a stop request must end the run with RuntimeFailure";
  } catch (const RuntimeFailure& e) {
    EXPECT_NE(std::string(e.what()).find("interrupted at iteration 13"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--resume"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir / "part" / "model.pt"));
  stop.store(false);
  part.hooks.clear();
  part.resume = true;
  const TrainResult r = train(part);
  EXPECT_EQ(r.first_iteration, 13);
  EXPECT_EQ(slurp(dir / "full" / "model.pt"), slurp(dir / "part" / "model.pt")) << "resume must be bit-exact";
  EXPECT_EQ(metrics_rows(dir / "part").size(), metrics_rows(dir / "full").size());
}

TEST(Trainer, AFailedResumeChangesNothing) {
  const auto dir = fresh("failed_resume");
  TrainOptions o;
  o.recipe = write_recipe(dir, recipe_text(20, "stop_at_iteration = 10\n"));
  o.run_dir = (dir / "run").string();
  train(o);
  const auto run = dir / "run";
  const std::string config = slurp(run / "config.toml"), metrics = slurp(run / "metrics.jsonl");
  const std::string ckpt = slurp(run / "checkpoint.pt");

  o.resume = true;
  o.overrides = {"loss.margin=2"};  // another recipe
  EXPECT_THROW(train(o), ConfigError);
  // A truncated checkpoint, with a changed learning rate that would otherwise be written to config.toml.
  std::ofstream(run / "checkpoint.pt", std::ios::binary | std::ios::trunc) << ckpt.substr(0, ckpt.size() / 2);
  o.overrides = {"optimizer.lr=0.01"};
  EXPECT_THROW(train(o), DataError);
  EXPECT_EQ(slurp(run / "config.toml"), config);
  EXPECT_EQ(slurp(run / "metrics.jsonl"), metrics);
}

// Settings that only the trainer can check are checked before --force clears the old run.
TEST(Trainer, AForcedStartThatFailsValidationKeepsTheOldRun) {
  const auto dir = fresh("force_invalid");
  TrainOptions o;
  o.recipe = write_recipe(dir, recipe_text(10));
  o.run_dir = (dir / "run").string();
  train(o);
  const std::string model = slurp(dir / "run" / "model.pt"), config = slurp(dir / "run" / "config.toml");
  o.force = true;
  o.overrides = {"train.eval_every=7"};  // not a multiple of log_every = 5
  EXPECT_THROW(train(o), ConfigError);
  EXPECT_EQ(slurp(dir / "run" / "model.pt"), model);
  EXPECT_EQ(slurp(dir / "run" / "config.toml"), config);
}

TEST(Trainer, ResumeAcceptsALowerLearningRate) {
  const auto dir = fresh("lr");
  TrainOptions o;
  o.recipe = write_recipe(dir, recipe_text(20, "stop_at_iteration = 10\n"));
  o.run_dir = (dir / "run").string();
  train(o);
  o.resume = true;
  o.overrides = {"train.stop_at_iteration=0", "optimizer.lr=0.005"};
  const TrainResult r = train(o);
  EXPECT_EQ(r.iterations, 20);
  const Config saved = load_recipe((dir / "run" / "config.toml").string());
  EXPECT_DOUBLE_EQ(saved.params("optimizer").f("lr"), 0.005);
  const auto rows = metrics_rows(dir / "run");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_DOUBLE_EQ(rows.front()["lr"].get<double>(), 0.05);
  EXPECT_DOUBLE_EQ(rows.back()["lr"].get<double>(), 0.005);
}

TEST(Trainer, DivergenceStopsBeforeAnyNonFiniteCheckpoint) {
  const auto dir = fresh("nan");
  TrainOptions o;
  o.recipe = write_recipe(dir, recipe_text(40));
  o.run_dir = (dir / "run").string();
  o.overrides = {"optimizer.lr=1e30", "train.checkpoint_every=1"};
  try {
    train(o);
    FAIL() << "lr = 1e30 must diverge";
  } catch (const RuntimeFailure& e) {
    const std::string m = e.what();
    EXPECT_TRUE(m.find("the loss became") != std::string::npos || m.find("the weights became") != std::string::npos)
        << m;
    EXPECT_NE(m.find("--resume --set optimizer.lr="), std::string::npos) << m;
  }
  EXPECT_FALSE(fs::exists(dir / "run" / "model.pt"));
  if (fs::exists(dir / "run" / "checkpoint.pt")) {
    // Whatever was checkpointed is finite: the guard runs before every save.
    const Config cfg = load_recipe((dir / "run" / "config.toml").string());
    const auto& d = cfg.section("data");
    DataSplits data = load_data(d.component, d.params, 5);
    Model m = build_model(cfg, data);
    Optimizer opt({{m.trainable_weights(), 1.0, 1.0}, {m.trainable_biases(), 1.0, 1.0}}, cfg.params("optimizer"));
    load_checkpoint(m, opt, (dir / "run" / "checkpoint.pt").string());
    EXPECT_TRUE(weights_finite(m));
  }
}

// Mining reads hardness from the loss's distance: an [eval] distance changes evaluation, never training.
TEST(Trainer, TheEvalDistanceDoesNotChangeWhatIsMined) {
  const auto dir = fresh("mine_distance");
  const std::string mined = "[miner]\nname = \"batch_hard\"\n";
  std::string text = recipe_text(15);
  text.replace(text.find("[loss]\nname = \"contrastive\"\nmargin = 1.0\n"),
               std::string("[loss]\nname = \"contrastive\"\nmargin = 1.0\n").size(),
               "[loss]\nname = \"triplet_margin\"\n" + mined);
  TrainOptions a;
  a.recipe = write_recipe(dir, text);
  a.run_dir = (dir / "a").string();
  train(a);
  TrainOptions b = a;
  b.run_dir = (dir / "b").string();
  b.overrides = {"eval.distance=cosine"};
  train(b);
  EXPECT_EQ(slurp(dir / "a" / "model.pt"), slurp(dir / "b" / "model.pt"));
}

}  // namespace
}  // namespace siamese
