// Parameter schemas and typed parameter values.
//
// Every registered component (loss, distance, branch, sampler, ...) declares a Schema: its parameters with
// type, default, summary and valid range. The same schema drives recipe validation, `siamese list` and the
// docs, so they cannot drift. resolve_params() turns raw values (from TOML or --set) into a complete,
// validated Params or throws ConfigError naming where the bad value came from.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace siamese {

using Value = std::variant<bool, int64_t, double, std::string>;

enum class ParamType { kBool, kInt, kFloat, kString };

const char* type_name(ParamType t);
std::string value_to_string(const Value& v);  // TOML literal form: 1, 0.5, true, "text"

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kFloat;
  Value default_value;
  std::string summary;
  std::optional<double> min, max;       // inclusive bounds for numbers
  bool min_exclusive = false;           // min is a strict bound (e.g. margin > 0)
  std::vector<std::string> choices;     // allowed values for strings (empty = any)

  // Fluent modifiers (used on temporaries inside schema initialisers).
  ParamSpec& at_least(double lo) { min = lo; min_exclusive = false; return *this; }
  ParamSpec& above(double lo) { min = lo; min_exclusive = true; return *this; }
  ParamSpec& at_most(double hi) { max = hi; return *this; }
  ParamSpec& one_of(std::vector<std::string> c) { choices = std::move(c); return *this; }

  std::string range_text() const;  // e.g. "> 0", "in [0, 1]", "one of {a, b}"
};

ParamSpec real(std::string name, double def, std::string summary);
ParamSpec integer(std::string name, int64_t def, std::string summary);
ParamSpec boolean(std::string name, bool def, std::string summary);
ParamSpec text(std::string name, std::string def, std::string summary);

using Schema = std::vector<ParamSpec>;

// Where a raw value came from, for error messages ("recipe.toml:12" or "--set loss.margin").
struct RawValue {
  Value value;
  std::string origin;
  std::string literal;  // the text as written on the command line (--set), else empty: a string key given
                        // `--set model.hidden=16` takes "16", not an error
};
using RawParams = std::map<std::string, RawValue>;

class Params {
 public:
  double f(const std::string& name) const;
  int64_t i(const std::string& name) const;
  bool b(const std::string& name) const;
  const std::string& s(const std::string& name) const;
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  void set(const std::string& name, Value v) { values_[name] = std::move(v); }
  const std::map<std::string, Value>& values() const { return values_; }

 private:
  const Value& get(const std::string& name) const;
  std::map<std::string, Value> values_;
};

// Validates `raw` against `schema` and fills in defaults. `where` names the place for errors, e.g.
// "recipe.toml [loss] contrastive". Unknown keys, wrong types and out-of-range values throw ConfigError.
Params resolve_params(const Schema& schema, const RawParams& raw, const std::string& where);

// The one parser of integer-list parameters ("256,128", "4,9", "-6,-3,3,6"): comma-separated whole decimal
// integers, spaces around an item allowed, "" (or only spaces) = the empty list. Every item must be an
// integer in [lo, hi]; "32x", "1e3", "3.0", "32,,16", "32," and "+" are errors. Throws ConfigError naming
// `key` (e.g. "model.hidden"), the value (shortened) and the bad item; nothing is half-parsed.
std::vector<int64_t> parse_int_list(const std::string& text, const std::string& key,
                                    int64_t lo = INT64_MIN, int64_t hi = INT64_MAX);

// Params with every default of `schema` and the given overrides (for C++ callers; validated too).
Params make_params(const Schema& schema, const std::map<std::string, Value>& overrides = {});

}  // namespace siamese
