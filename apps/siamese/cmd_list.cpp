#include <cstdio>

#include "commands.h"
#include "siamese/core/error.h"
#include "siamese/data/dataset.h"
#include "siamese/distance/distance.h"
#include "siamese/loss/loss.h"
#include "siamese/metric/learner.h"
#include "siamese/mine/miner.h"
#include "siamese/model/branch.h"
#include "siamese/sample/sampler.h"
#include "siamese/train/recipe.h"

namespace siamese::cli {

namespace {

struct Kind {
  const char* plural;
  const RegistryBase* registry;
  const char* section;  // recipe section that names it
};

std::vector<Kind> kinds() {
  return {{"datasets", &dataset_registry(), "[data]"},        {"branches", &branch_registry(), "[model]"},
          {"distances", &distance_registry(), "[distance]"},  {"losses", &loss_registry(), "[loss]"},
          {"samplers", &sampler_registry(), "[sampler]"},     {"miners", &miner_registry(), "[miner]"},
          {"metric-learners", &metric_learner_registry(), "fit-metric --method"}};
}

void print_schema(const Schema& schema, const char* indent) {
  for (const auto& p : schema) {
    std::string range = p.range_text();
    std::printf("%s%-18s %-7s = %-10s %s%s\n", indent, p.name.c_str(), type_name(p.type),
                value_to_string(p.default_value).c_str(), p.summary.c_str(),
                range.empty() ? "" : ("  [" + range + "]").c_str());
  }
}

void print_kind(const Kind& k) {
  std::printf("%s (%s):\n", k.plural, k.section);
  for (const auto& info : k.registry->infos()) {
    std::printf("  %-20s %s\n", info.name.c_str(), info.summary.c_str());
    print_schema(info.schema, "      ");
  }
}

}  // namespace

void add_list_command(CLI::App& root) {
  auto* cmd = root.add_subcommand("list", "list the registered components with their parameters");
  auto kind = std::make_shared<std::string>();
  cmd->add_option("kind", *kind,
                  "datasets, branches, distances, losses, samplers, miners, metric-learners, or sections (recipe keys)");
  cmd->callback([kind] {
    std::string k = *kind;
    if (k.empty()) {
      for (const auto& x : kinds()) print_kind(x);
      return;
    }
    if (k == "sections" || k == "recipe") {
      for (const auto& s : recipe_spec()) {
        std::printf("[%s] %s%s\n", s.name.c_str(), s.summary.c_str(),
                    s.registry ? str(" — name = one of the ", s.registry->kind(), " names").c_str() : "");
        print_schema(s.schema, "    ");
      }
      return;
    }
    std::string known = "sections";
    for (const auto& x : kinds()) {
      std::string plural = x.plural, singular = x.registry->kind();
      if (k == plural || k == singular || (k + "s") == plural || (k + "es") == plural) {
        print_kind(x);
        return;
      }
      known += std::string(", ") + x.plural;
    }
    throw ConfigError(str("list: unknown kind '", k, "' (known: ", known, ")"));
  });
}

}  // namespace siamese::cli
