// Recipes: strict TOML configuration.
//
// A recipe is a set of sections. A "component" section picks a component from a registry with its
// `name` key and the other keys are that component's parameters; a "fixed" section has its own schema.
// Unknown sections or keys, wrong types and out-of-range values throw ConfigError naming the file, the
// line and the key. `--set section.key=value` overrides are applied before validation. A resolved Config
// holds every parameter (defaults filled in) and writes itself back as TOML that loads to the same Config.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "siamese/core/params.h"
#include "siamese/core/registry.h"

namespace siamese {

struct SectionSpec {
  std::string name;
  std::string summary;
  const RegistryBase* registry = nullptr;  // component section when set; `name` selects the component
  std::string default_component;           // used when the recipe omits the section or its `name`;
                                           // "" makes the section optional (Section::component stays "")
  Schema schema;                           // fixed section: its keys; component section: extra shared keys
};

struct Section {
  std::string component;  // empty for fixed sections
  Params params;
};

class Config {
 public:
  const Section& section(const std::string& name) const;
  const Params& params(const std::string& name) const { return section(name).params; }
  const std::string& component(const std::string& name) const { return section(name).component; }
  bool has(const std::string& name) const { return sections_.count(name) != 0; }

  // The resolved recipe as TOML (sections in spec order, every parameter present).
  std::string to_toml() const;

  std::string source;  // file the recipe came from ("" for a string)
  std::vector<std::string> order;
  std::map<std::string, Section> sections_;
};

// Parses "section.key=value" (value as a TOML literal; bare words are strings).
struct Override {
  std::string section, key;
  Value value;
  std::string text;
};
Override parse_override(const std::string& text);

Config load_config_file(const std::string& path, const std::vector<SectionSpec>& spec,
                        const std::vector<std::string>& overrides = {});
Config load_config_string(const std::string& toml_text, const std::string& source_name,
                          const std::vector<SectionSpec>& spec, const std::vector<std::string>& overrides = {});

}  // namespace siamese
