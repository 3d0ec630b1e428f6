#include "siamese/train/recipe.h"

#include "siamese/data/dataset.h"
#include "siamese/distance/distance.h"
#include "siamese/loss/loss.h"
#include "siamese/mine/miner.h"
#include "siamese/model/branch.h"
#include "siamese/sample/sampler.h"

namespace siamese {

std::vector<SectionSpec> recipe_spec() {
  std::vector<SectionSpec> s;
  s.push_back({"run", "run identity and reproducibility", nullptr, "",
               {text("name", "", "run name (default: the recipe's file name)"),
                integer("seed", 1, "seed of every random choice (init, pairs, splits)").at_least(0),
                integer("threads", 0, "CPU threads (0 = all cores); a fixed count makes runs bit-reproducible").at_least(0),
                text("parallelism", "data",
                     "data: one batch shard per thread, one intra-op thread each (best for small nets); "
                     "intra_op: split each operation across the threads")
                    .one_of({"data", "intra_op"})}});
  s.push_back({"data", "the data set", &dataset_registry(), "fashion_mnist", data_common_schema()});
  s.push_back({"model", "the shared branch network", &branch_registry(), "lenet", {}});
  s.push_back({"distance", "distance between embeddings (default: the loss's own)", &distance_registry(), "", {}});
  s.push_back({"loss", "the training loss", &loss_registry(), "contrastive", {}});
  s.push_back({"sampler", "how batches are drawn", &sampler_registry(), "caffe_pairs", {}});
  s.push_back({"miner", "in-batch tuple miner (default: all pairs / all triplets when the sampler gives none)",
               &miner_registry(), "", {}});
  s.push_back({"optimizer", "parameter updates", nullptr, "",
               {text("type", "sgd", "sgd (Caffe's momentum rule) or adam").one_of({"sgd", "adam"}),
                real("lr", 0.01, "base learning rate").above(0),
                real("momentum", 0.9, "sgd momentum / adam beta1").at_least(0).at_most(0.999999),
                real("beta2", 0.999, "adam beta2").at_least(0).at_most(0.999999999),
                real("weight_decay", 0.0, "L2 weight decay").at_least(0),
                real("bias_lr_mult", 2.0, "learning-rate multiplier of biases (Caffe lr_mult)").at_least(0),
                real("bias_decay_mult", 1.0, "weight-decay multiplier of biases (Caffe decay_mult)").at_least(0),
                real("clip_grad_norm", 0.0, "clip the global gradient norm (0 = off)").at_least(0)}});
  s.push_back({"schedule", "learning-rate policy (Caffe's names)", nullptr, "",
               {text("policy", "fixed", "fixed | inv: lr(1+gamma t)^-power | step: lr gamma^floor(t/step_size) | "
                                         "exp: lr gamma^t | poly: lr(1-t/T)^power")
                    .one_of({"fixed", "inv", "step", "exp", "poly"}),
                real("gamma", 1e-4, "gamma of inv / step / exp").at_least(0),
                real("power", 0.75, "power of inv / poly").at_least(0),
                integer("step_size", 10000, "iterations per step of 'step'").at_least(1)}});
  s.push_back({"train", "the training loop", nullptr, "",
               {integer("iterations", 10000, "optimizer steps").at_least(1),
                integer("log_every", 100, "iterations between metrics.jsonl lines").at_least(1),
                integer("checkpoint_every", 1000, "iterations between atomic checkpoints").at_least(1),
                integer("eval_every", 0, "iterations between validation checks (0 = off)").at_least(0),
                integer("eval_pairs", 20000, "pairs in each validation check").at_least(10),
                text("eval_split", "val", "split of the periodic check: val or test").one_of({"val", "test"}),
                integer("stop_at_iteration", 0, "stop (as if interrupted) after this iteration (0 = never)").at_least(0)}});
  s.push_back({"eval", "evaluation (siamese eval)", nullptr, "",
               {text("distance", "", "distance for evaluation ('' = the trained one, else euclidean)"),
                integer("max_pairs", 200000, "verification pairs (all pairs of the test set, or a seeded sample)").at_least(10),
                integer("batch_size", 500, "inference batch size").at_least(1)}});
  return s;
}

Config load_recipe(const std::string& path, const std::vector<std::string>& overrides) {
  return load_config_file(path, recipe_spec(), overrides);
}

Config load_recipe_string(const std::string& text, const std::string& name,
                          const std::vector<std::string>& overrides) {
  return load_config_string(text, name, recipe_spec(), overrides);
}

}  // namespace siamese
