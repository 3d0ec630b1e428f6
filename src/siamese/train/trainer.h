// The training loop, assembled from parts: a run directory (policy + lock, train/run_dir.h), the
// components of the recipe (train/run.h), tuple resolution (train/tuples.h), checkpoints
// (train/checkpoint.h) and hooks (train/hooks.h). Data flows one way: dataset -> sampler -> ONE branch
// forward over the batch -> tuples (miner) -> loss -> backward -> optimizer.
//
// Ensures:
//  * with the same recipe, seed and thread count, an interrupted-and-resumed run ends with exactly the
//    weights (and so the metrics) of an uninterrupted one: batches are a pure function of the iteration
//    and the optimizer state is checkpointed. --resume accepts a recipe that differs from the saved one
//    only in train.iterations, train.stop_at_iteration or optimizer.lr (the advice after a divergence);
//  * a failed --resume (other recipe, unreadable or foreign checkpoint) changes nothing in the run dir;
//  * a non-finite loss stops the run before its update, and non-finite weights after an update stop it
//    before any checkpoint: RuntimeFailure names the iteration and the last good (finite) checkpoint;
//  * when *stop becomes true (the CLI sets it on SIGINT / SIGTERM / SIGHUP) the run checkpoints after the
//    current iteration and throws RuntimeFailure saying how to continue.
// The library never prints and never installs signal handlers: progress and warnings go to the hooks
// and the warning sink the caller passes.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "siamese/train/hooks.h"

namespace siamese {

struct TrainOptions {
  std::string recipe;                             // path of the TOML recipe
  std::vector<std::string> overrides;             // "section.key=value"
  std::string run_dir;                            // default: runs/<run name>
  bool resume = false;                            // continue from run_dir/checkpoint.pt
  bool force = false;                             // start over in a run dir that already holds a run
  std::vector<std::shared_ptr<TrainHook>> hooks;  // called after the built-in ones, before the metrics log
  const std::atomic<bool>* stop = nullptr;        // checkpoint and stop when it becomes true
  WarningSink warn;                               // one-line warnings (default: dropped)
};

struct TrainResult {
  std::string run_dir;
  int64_t first_iteration = 0;  // 0, or the checkpoint's iteration when resumed
  int64_t iterations = 0;       // iterations completed in all
  double last_loss = 0;
  double seconds = 0;
  bool stopped_early = false;  // train.stop_at_iteration reached (a simulated interruption)
};

TrainResult train(const TrainOptions& options);

}  // namespace siamese
