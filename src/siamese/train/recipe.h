// The sections of a training recipe (see recipes/*.toml and docs/recipes.md):
//   [run] name, seed, threads            [data] dataset source + classes/limits/val split
//   [model] branch                       [distance] optional; default = the loss's own (the paper's)
//   [loss]                               [sampler] which examples form a batch
//   [miner] optional in-batch miner      [optimizer] sgd (Caffe semantics) | adam
//   [schedule] lr policy                 [train] iterations, logging, checkpoints
//   [eval] evaluation options
#pragma once

#include <vector>

#include "siamese/core/config.h"

namespace siamese {

std::vector<SectionSpec> recipe_spec();

Config load_recipe(const std::string& path, const std::vector<std::string>& overrides = {});
Config load_recipe_string(const std::string& text, const std::string& name,
                          const std::vector<std::string>& overrides = {});

}  // namespace siamese
