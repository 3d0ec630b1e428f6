// The training loop: dataset -> sampler (-> miner) -> ONE branch forward over the batch -> loss ->
// backward -> optimizer, with atomic checkpoints, exact resume, NaN guard, progress and metrics.jsonl.
//
// Ensures: with the same recipe, seed and 1 thread, an interrupted-and-resumed run ends with exactly the
// weights (and so the metrics) of an uninterrupted one — batches are a pure function of the iteration and
// the optimizer state is checkpointed. A non-finite loss stops the run (RuntimeFailure naming the step)
// before the bad update is applied; the last good checkpoint stays. Ctrl-C checkpoints and stops.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "siamese/loss/loss.h"

namespace siamese {

struct TrainOptions {
  std::string recipe;                  // path of the TOML recipe
  std::vector<std::string> overrides;  // "section.key=value"
  std::string run_dir;                 // default: runs/<run name>
  bool resume = false;                 // continue from run_dir/checkpoint.pt
  bool force = false;                  // start over in a run dir that already holds a run
  bool quiet = false;                  // no progress output
};

struct TrainResult {
  std::string run_dir;
  int64_t iterations = 0;  // iterations completed
  double last_loss = 0;
  double seconds = 0;
  bool stopped_early = false;  // train.stop_at_iteration reached (a simulated interruption)
};

TrainResult train(const TrainOptions& options);

// Extra fields for metrics.jsonl, computed every log step from the batch's (detached) embeddings and
// tuples — the diagnostics of sample/mine (mean positive/negative distance, active fraction, ...).
using DiagnosticsFn = std::function<void(const torch::Tensor& embeddings, const LossInput& input,
                                         const Distance& distance, nlohmann::json& row)>;
void set_training_diagnostics(DiagnosticsFn fn);

// The checkpoint (run_dir/checkpoint.pt): the weights as write_weights (train/run.h) writes them, plus
// "optimizer" (state tensors "0".."count-1" and "count") and "iteration". save_checkpoint is atomic;
// load_checkpoint restores weights and optimizer state, returns the iteration, throws DataError naming the file.
struct Model;
class Optimizer;
void save_checkpoint(const Model& m, const Optimizer& opt, int64_t iteration, const std::string& path);
int64_t load_checkpoint(Model& m, Optimizer& opt, const std::string& path);

}  // namespace siamese
