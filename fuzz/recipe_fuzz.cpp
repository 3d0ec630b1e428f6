// libFuzzer target: the recipe parser and `--set` overrides (src/siamese/core/config.*, params.*,
// src/siamese/train/recipe.*).
//
// Input: NUL-separated parts. Part 0 is written to a file and loaded as a recipe (load_recipe) with the
// other parts as `--set` overrides; each part is also parsed alone as an override (parse_override) and
// applied alone to a minimal valid recipe. Oracle (fuzz_common.h): a Config or a documented siamese error;
// and config.h's promise that a resolved Config "writes itself back as TOML that loads to the same Config"
// (to_toml -> load -> to_toml gives the same text); an MLP's `hidden` list parses or throws ConfigError.
#include <vector>

#include "fuzz_common.h"
#include "siamese/model/mlp.h"
#include "siamese/train/recipe.h"

using namespace siamese;

namespace {

void check_config(const Config& cfg) {
  const std::string toml = cfg.to_toml();
  std::string again;
  try {
    again = load_recipe_string(toml, "to_toml()").to_toml();
  } catch (const Error& e) {
    fuzz::finding("round trip", std::string("to_toml() output does not load: ") + e.what() + "\n--- to_toml():\n" +
                                    toml);
  }
  if (again != toml) fuzz::finding("round trip", "to_toml() changes after a reload:\n" + toml + "\n---\n" + again);
  if (cfg.component("model") == "mlp") parse_int_list(cfg.params("model").s("hidden"), "model.hidden");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> parts(1);
  for (size_t k = 0; k < size; ++k) {
    if (data[k] == 0) {
      if (parts.size() == 9) break;  // a recipe and at most 8 overrides
      parts.emplace_back();
    } else {
      parts.back().push_back(static_cast<char>(data[k]));
    }
  }
  const std::vector<std::string> overrides(parts.begin() + 1, parts.end());

  const std::string path = fuzz::scratch_path("recipe.toml");
  fuzz::write_bytes(path, reinterpret_cast<const uint8_t*>(parts[0].data()), parts[0].size());
  fuzz::expect_documented_errors([&] { check_config(load_recipe(path, overrides)); });

  for (const auto& text : parts) {
    fuzz::expect_documented_errors([&] {
      Override o = parse_override(text);
      if (o.section.empty() || o.key.empty() || o.text != text) fuzz::finding("contract", "parse_override('" + text + "')");
    });
    fuzz::expect_documented_errors([&] { check_config(load_recipe_string("[run]\nseed = 1\n", "base", {text})); });
  }
  return 0;
}
