#include <cstdio>

#include "commands.h"
#include "siamese/core/progress.h"
#include "siamese/train/trainer.h"

namespace siamese::cli {

void add_train_command(CLI::App& root) {
  auto* cmd = root.add_subcommand("train", "train a Siamese / triplet network from a TOML recipe");
  auto o = std::make_shared<TrainOptions>();
  cmd->add_option("recipe", o->recipe, "recipe file (see recipes/)")->required();
  cmd->add_option("--run-dir", o->run_dir, "run directory (default: runs/<run name>)");
  cmd->add_option("--set", o->overrides, "override a recipe value: section.key=value (repeatable)");
  cmd->add_flag("--resume", o->resume, "continue the run in --run-dir from its last checkpoint");
  cmd->add_flag("--force", o->force, "start over in a run directory that already holds a run");
  cmd->add_flag("--quiet", o->quiet, "no progress output");
  cmd->callback([o] {
    TrainResult r = train(*o);
    std::printf("%s %lld iterations in %s, last loss %.6g -> %s\n", r.stopped_early ? "stopped after" : "trained",
                static_cast<long long>(r.iterations), Progress::format_duration(r.seconds).c_str(), r.last_loss,
                r.run_dir.c_str());
  });
}

}  // namespace siamese::cli
