// Training hooks: what happens around the optimisation step, as objects the trainer calls in order.
//
// The trainer (train/trainer.h) runs: batch -> ONE branch forward -> tuples -> loss -> NaN guard ->
// backward -> step -> weight guard, then for every hook on_step(); at log iterations it builds a metrics row
// ({"iter", "loss" (mean over the window), "lr", "<tuple>_per_s", "elapsed_s", "train_s"}) and hands it to
// every hook's on_log() in order, which may add fields; the metrics log writes the row last.
//
// Built in (added by the trainer from the recipe): PeriodicCheck ([train] eval_every: validation AUC),
// BatchDiagnostics (distances, active tuples: train/diagnostics.h), CollapseWatch (one warning when the
// embedding collapses), MetricsLog (metrics.jsonl). A program adds its own (the CLI's progress bar) through
// TrainOptions::hooks; a hook never prints — it reports through the `warn` callback it was given.
#pragma once

#include <cstdint>
#include <fstream>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "siamese/data/dataset.h"
#include "siamese/eval/metrics.h"
#include "siamese/loss/loss.h"
#include "siamese/train/diagnostics.h"
#include "siamese/train/run.h"

namespace siamese {

using WarningSink = std::function<void(const std::string&)>;

struct StepInfo {
  int64_t iteration = 0;             // iterations done, 1-based
  int64_t total = 0;                 // train.iterations
  double loss = 0;                   // this step's loss
  double lr = 0;                     // learning rate of this step
  double tuples_per_s = 0;           // throughput over the current log window
  std::string tuple_name;            // "pairs", "triplets", ... (the sampler's unit)
  const LossInput* input = nullptr;  // the batch as the loss saw it (embeddings still attached)
};

struct RunInfo {
  std::string run_dir;
  int64_t first_iteration = 0;  // 0, or the checkpoint's iteration when resumed
  int64_t total = 0;            // train.iterations
  int64_t log_every = 1;        // iterations between metrics rows
  std::string tuple_name;       // the sampler's unit
};

class TrainHook {
 public:
  virtual ~TrainHook() = default;
  virtual void on_start(const RunInfo& run) {}
  virtual void on_step(const StepInfo& step) {}
  virtual void on_log(const StepInfo& step, nlohmann::json& row) {}
  virtual void on_finish(int64_t iterations_done) {}
};

// Validation AUC every `every` iterations on a fixed seeded sample of pairs of `check_set`, scored with
// the evaluation distance; adds "check_auc", "check_split" and corrects "train_s" for the time it took.
class PeriodicCheck : public TrainHook {
 public:
  PeriodicCheck(const Model& model, const TensorDataset& check_set, std::string split_name, int64_t every,
                int64_t pairs, uint64_t seed, std::shared_ptr<Distance> distance, int workers);
  void on_log(const StepInfo& step, nlohmann::json& row) override;

 private:
  const Model& model_;
  const TensorDataset& set_;
  std::string split_;
  int64_t every_;
  PairSample pairs_;
  std::shared_ptr<Distance> distance_;
  int workers_;
  double seconds_ = 0;  // spent in checks so far
};

// The batch diagnostics of train/diagnostics.h on the logged step's detached embeddings.
class BatchDiagnostics : public TrainHook {
 public:
  explicit BatchDiagnostics(std::shared_ptr<Loss> loss) : loss_(std::move(loss)) {}
  void on_log(const StepInfo& step, nlohmann::json& row) override;

 private:
  std::shared_ptr<Loss> loss_;
};

// Warns once (through `warn`) when the rows show a collapsed embedding (train/diagnostics.h). For a loss
// whose terms never vanish (Loss::terms_can_vanish() false) the "stuck with everything active" rule is
// off: all its terms are always active, and a flat loss is just convergence.
class CollapseWatch : public TrainHook {
 public:
  CollapseWatch(WarningSink warn, const Loss& loss);
  void on_log(const StepInfo& step, nlohmann::json& row) override;

 private:
  WarningSink warn_;
  CollapseMonitor monitor_;
};

// Appends each row to metrics.jsonl (one JSON object per line, flushed).
class MetricsLog : public TrainHook {
 public:
  explicit MetricsLog(const std::string& path);
  void on_log(const StepInfo& step, nlohmann::json& row) override;

 private:
  std::string path_;
  std::ofstream out_;
};

// Keeps the lines of metrics.jsonl up to `iteration` (a resumed run continues from its checkpoint) and
// drops a torn last line.
void truncate_metrics(const std::string& path, int64_t iteration);

}  // namespace siamese
