// A run: a recipe resolved into components, and its run directory.
//
// runs/<name>/ holds config.toml (the resolved recipe, every default filled in), metrics.jsonl (one JSON
// object per logged iteration), checkpoint.pt (atomic, latest), model.pt (final weights), report.json
// (siamese eval) and the plots. Everything needed to rebuild the model is in config.toml + model.pt.
#pragma once

#include <memory>
#include <string>

#include "siamese/core/config.h"
#include "siamese/data/dataset.h"
#include "siamese/distance/distance.h"
#include "siamese/loss/loss.h"
#include "siamese/model/branch.h"

namespace siamese {

struct Model {
  std::shared_ptr<Branch> branch;
  std::shared_ptr<Distance> distance;  // the recipe's [distance], or null
  std::shared_ptr<Loss> loss;
  // Parameters to optimise: branch, loss (with its distance / heads), distance; each once.
  std::vector<torch::Tensor> trainable_weights() const;  // non-bias parameters
  std::vector<torch::Tensor> trainable_biases() const;
  // The distance to compare embeddings with at evaluation time ([eval] distance, else the trained one).
  std::shared_ptr<Distance> eval_distance(const Config& cfg) const;
};

// Builds the components of `cfg` for data shaped like `data` (seeded from [run] seed).
Model build_model(const Config& cfg, const DataSplits& data);

void save_weights(const Model& m, const std::string& path);  // atomic
// Writes the branch, loss and distance parameters into `root` (keys "branch", "loss", "distance").
void write_weights(const Model& m, torch::serialize::OutputArchive& root);
// Reads weights written by save_weights / a checkpoint into `m`. Every tensor of the file must exist in the
// model with the same shape, and every tensor of the model in the file, before anything is copied: weights of
// another architecture (another width, depth or input size) throw DataError naming the file, the tensor
// ("branch.layers.0.weight") and both shapes. Used by open_run (eval, embed, plot) and by --resume.
void load_weights(Model& m, const std::string& path);
// Called in a catch block around reading a LibTorch archive: rethrows the current exception as
// DataError("<path>: cannot <action> (<first line of the cause>)"). LibTorch reports a damaged archive as
// c10::Error or, from its TorchScript parser, as another std::exception; our own errors and bad_alloc pass
// through unchanged.
[[noreturn]] void rethrow_archive_error(const std::string& path, const std::string& action);

// Opens a finished (or checkpointed) run: config, data, model with its weights.
struct OpenRun {
  Config config;
  DataSplits data;
  Model model;
  std::string dir;
  std::vector<std::string> warnings;  // from apply_run_settings, for the caller to show
};
OpenRun open_run(const std::string& run_dir);

// Applies [run] threads / parallelism and seeds torch. Returns warnings (one line each, e.g. more threads than
// cores) for the caller to show: the library never writes to stderr.
std::vector<std::string> apply_run_settings(const Config& cfg);
// Data-parallel workers for [run] (1 when parallelism = intra_op).
int run_workers(const Config& cfg);

}  // namespace siamese
