// `siamese train`: the CLI around train() — progress on stderr, warnings as one line each, and the signals
// (SIGINT, SIGTERM, SIGHUP) that ask the run to checkpoint and stop. The library does none of this itself.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>

#include "commands.h"
#include "progress.h"
#include "siamese/train/trainer.h"

namespace siamese::cli {

namespace {

std::atomic<bool> g_stop{false};
extern "C" void request_stop(int) { g_stop.store(true); }

// Routes SIGINT, SIGTERM and SIGHUP to g_stop while alive; restores the previous handlers after.
class StopOnSignals {
 public:
  StopOnSignals() {
    g_stop.store(false);
    for (int i = 0; i < 3; ++i) previous_[i] = std::signal(kSignals[i], request_stop);
  }
  ~StopOnSignals() {
    for (int i = 0; i < 3; ++i) std::signal(kSignals[i], previous_[i]);
  }

 private:
  static constexpr int kSignals[3] = {SIGINT, SIGTERM, SIGHUP};
  void (*previous_[3])(int);
};

// The progress bar / log lines of apps/siamese/progress.h as a training hook.
class ProgressHook : public TrainHook {
 public:
  explicit ProgressHook(bool quiet) : quiet_(quiet) {}
  void on_start(const RunInfo& run) override {
    progress_ = std::make_unique<Progress>(run.total, run.tuple_name, run.log_every, quiet_);
  }
  void on_step(const StepInfo& step) override {
    if (progress_) progress_->update(step.iteration, step.loss, step.tuples_per_s);
  }
  void on_finish(int64_t) override { finish(); }
  void finish() {
    if (progress_) progress_->finish();
  }

 private:
  bool quiet_;
  std::unique_ptr<Progress> progress_;
};

}  // namespace

void add_train_command(CLI::App& root) {
  auto* cmd = root.add_subcommand("train", "train a Siamese / triplet network from a TOML recipe");
  auto o = std::make_shared<TrainOptions>();
  auto quiet = std::make_shared<bool>(false);
  cmd->add_option("recipe", o->recipe, "recipe file (see recipes/)")->required();
  cmd->add_option("--run-dir", o->run_dir, "run directory (default: runs/<run name>)");
  cmd->add_option("--set", o->overrides, "override a recipe value: section.key=value (repeatable)");
  cmd->add_flag("--resume", o->resume, "continue the run in --run-dir from its last checkpoint");
  cmd->add_flag("--force", o->force, "start over in a run directory that already holds a run");
  cmd->add_flag("--quiet", *quiet, "no progress output");
  cmd->callback([o, quiet] {
    auto progress = std::make_shared<ProgressHook>(*quiet);
    TrainOptions run = *o;
    run.hooks.push_back(progress);
    run.stop = &g_stop;
    run.warn = [progress](const std::string& w) {
      progress->finish();
      std::fprintf(stderr, "siamese: warning: %s\n", w.c_str());
    };
    StopOnSignals signals;
    TrainResult r;
    try {
      r = train(run);
    } catch (...) {
      progress->finish();
      throw;
    }
    std::printf("%s %lld iterations in %s, last loss %.6g -> %s\n", r.stopped_early ? "stopped after" : "trained",
                static_cast<long long>(r.iterations), Progress::format_duration(r.seconds).c_str(), r.last_loss,
                r.run_dir.c_str());
  });
}

}  // namespace siamese::cli
