// Checkpoints: the model's weights (branch, loss, distance: train/run.h write_weights), the optimizer's
// state and the iteration, in one file written atomically (core/fs.h), so a crash at any moment leaves
// either the previous checkpoint or the new one, never a torn file.
//
// Requires: the optimizer was built over the same parameters, in the same order, as the one saved.
// Ensures: load() after save() restores weights and optimizer state bit for bit, so a resumed run
// continues exactly as the uninterrupted one (batches are a pure function of the iteration).
// Errors: an unreadable, truncated or foreign file, or weights of another architecture -> DataError
// naming the file (and the tensor, from load_weights).
#pragma once

#include <cstdint>
#include <string>

#include "siamese/train/optimizer.h"
#include "siamese/train/run.h"

namespace siamese {

void save_checkpoint(const Model& m, const Optimizer& opt, int64_t iteration, const std::string& path);
// Returns the iteration the checkpoint was taken after.
int64_t load_checkpoint(Model& m, Optimizer& opt, const std::string& path);

// True when every tensor is finite (one reduction, one synchronisation).
bool all_finite(const std::vector<torch::Tensor>& tensors);
// True when every parameter of the model (branch, loss, distance) is finite.
bool weights_finite(const Model& m);

}  // namespace siamese
