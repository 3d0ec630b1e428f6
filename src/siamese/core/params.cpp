#include "siamese/core/params.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "siamese/core/error.h"
#include "siamese/core/text.h"

namespace siamese {

const char* type_name(ParamType t) {
  switch (t) {
    case ParamType::kBool: return "bool";
    case ParamType::kInt: return "integer";
    case ParamType::kFloat: return "float";
    case ParamType::kString: return "string";
  }
  return "?";
}

std::string value_to_string(const Value& v) {
  if (auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&v)) {
    // Shortest form that reads back to the same double (0.05, not 0.050000000000000003).
    std::string s;
    for (int precision = 6; precision <= 17; ++precision) {
      std::ostringstream os;
      os.precision(precision);
      os << *d;
      s = os.str();
      if (std::strtod(s.c_str(), nullptr) == *d) break;  // not stod: it throws on subnormals (ERANGE)
    }
    if (s.find_first_of(".eE") == std::string::npos && s.find("inf") == std::string::npos &&
        s.find("nan") == std::string::npos)
      s += ".0";
    return s;
  }
  const auto& s = std::get<std::string>(v);
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {  // TOML basic strings may not hold control characters raw
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04X", u);
      out += esc;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string ParamSpec::range_text() const {
  if (!choices.empty()) {
    std::string s = "one of {";
    for (size_t k = 0; k < choices.size(); ++k) s += (k ? ", " : "") + choices[k];
    return s + "}";
  }
  auto num = [](double x) {
    std::ostringstream os;
    os << x;
    return os.str();
  };
  if (min && max) return str("in ", min_exclusive ? "(" : "[", num(*min), ", ", num(*max), "]");
  if (min) return str(min_exclusive ? "> " : ">= ", num(*min));
  if (max) return str("<= ", num(*max));
  return "";
}

ParamSpec real(std::string name, double def, std::string summary) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = ParamType::kFloat;
  p.default_value = def;
  p.summary = std::move(summary);
  return p;
}
ParamSpec integer(std::string name, int64_t def, std::string summary) {
  ParamSpec p = real(std::move(name), 0, std::move(summary));
  p.type = ParamType::kInt;
  p.default_value = def;
  return p;
}
ParamSpec boolean(std::string name, bool def, std::string summary) {
  ParamSpec p = real(std::move(name), 0, std::move(summary));
  p.type = ParamType::kBool;
  p.default_value = def;
  return p;
}
ParamSpec text(std::string name, std::string def, std::string summary) {
  ParamSpec p = real(std::move(name), 0, std::move(summary));
  p.type = ParamType::kString;
  p.default_value = std::move(def);
  return p;
}

const Value& Params::get(const std::string& name) const {
  auto it = values_.find(name);
  SIAMESE_ASSERT(it != values_.end(), "parameter '", name, "' is not in the schema");
  return it->second;
}
double Params::f(const std::string& name) const {
  const Value& v = get(name);
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  SIAMESE_ASSERT(std::holds_alternative<double>(v), "parameter '", name, "' is not a float");
  return std::get<double>(v);
}
int64_t Params::i(const std::string& name) const {
  const Value& v = get(name);
  SIAMESE_ASSERT(std::holds_alternative<int64_t>(v), "parameter '", name, "' is not an integer");
  return std::get<int64_t>(v);
}
bool Params::b(const std::string& name) const {
  const Value& v = get(name);
  SIAMESE_ASSERT(std::holds_alternative<bool>(v), "parameter '", name, "' is not a bool");
  return std::get<bool>(v);
}
const std::string& Params::s(const std::string& name) const {
  const Value& v = get(name);
  SIAMESE_ASSERT(std::holds_alternative<std::string>(v), "parameter '", name, "' is not a string");
  return std::get<std::string>(v);
}

namespace {

// Converts `v` to the spec's type where that is lossless (an integer where a float is expected).
Value coerce(const ParamSpec& spec, const Value& v, const std::string& where) {
  switch (spec.type) {
    case ParamType::kFloat:
      if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
      if (std::holds_alternative<double>(v)) return v;
      break;
    case ParamType::kInt:
      if (std::holds_alternative<int64_t>(v)) return v;
      break;
    case ParamType::kBool:
      if (std::holds_alternative<bool>(v)) return v;
      break;
    case ParamType::kString:
      if (std::holds_alternative<std::string>(v)) return v;
      break;
  }
  throw ConfigError(str(where, ": key '", spec.name, "' must be a ", type_name(spec.type), ", got ",
                        shorten_value(value_to_string(v))));
}

void check_range(const ParamSpec& spec, const Value& v, const std::string& where) {
  auto fail = [&] {
    throw ConfigError(str(where, ": key '", spec.name, "' = ", shorten_value(value_to_string(v)), " is out of range (must be ",
                          spec.range_text(), ")"));
  };
  if (spec.type == ParamType::kFloat || spec.type == ParamType::kInt) {
    double x = spec.type == ParamType::kFloat ? std::get<double>(v) : static_cast<double>(std::get<int64_t>(v));
    if (!std::isfinite(x)) fail();
    if (spec.min && (spec.min_exclusive ? x <= *spec.min : x < *spec.min)) fail();
    if (spec.max && x > *spec.max) fail();
  }
  if (spec.type == ParamType::kString && !spec.choices.empty()) {
    const auto& s = std::get<std::string>(v);
    bool ok = false;
    for (const auto& c : spec.choices) ok = ok || c == s;
    if (!ok) fail();
  }
}

}  // namespace

Params resolve_params(const Schema& schema, const RawParams& raw, const std::string& where) {
  Params out;
  for (const auto& [key, rv] : raw) {
    const ParamSpec* spec = nullptr;
    for (const auto& s : schema)
      if (s.name == key) spec = &s;
    std::string at = rv.origin.empty() ? where : rv.origin;
    if (!spec) {
      std::string known;
      for (const auto& s : schema) known += (known.empty() ? "" : ", ") + s.name;
      throw ConfigError(str(at, ": unknown key '", shorten_value(key), "' in ", where,
                            known.empty() ? std::string(" (it takes no parameters)") : " (known: " + known + ")"));
    }
    Value v = spec->type == ParamType::kString && !rv.literal.empty() ? Value(rv.literal) : coerce(*spec, rv.value, at);
    check_range(*spec, v, at);
    out.set(key, v);
  }
  for (const auto& s : schema)
    if (!out.has(s.name)) out.set(s.name, s.default_value);
  return out;
}

std::vector<int64_t> parse_int_list(const std::string& text, const std::string& key, int64_t lo, int64_t hi) {
  std::vector<int64_t> out;
  if (text.find_first_not_of(" \t") == std::string::npos) return out;
  auto fail = [&](size_t item, const std::string& why) {
    throw ConfigError(str(key, " = \"", shorten_value(text), "\": item ", item, " ", why,
                          " (expected comma-separated integers, e.g. \"256,128\")"));
  };
  size_t start = 0;
  for (size_t item = 1;; ++item) {
    const size_t comma = text.find(',', start);
    const size_t end = comma == std::string::npos ? text.size() : comma;
    const size_t b = text.find_first_not_of(" \t", start);
    if (b == std::string::npos || b >= end) fail(item, "is empty");
    const size_t e = text.find_last_not_of(" \t", end - 1) + 1;
    const std::string field = text.substr(b, e - b);
    int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
    if (ec == std::errc::result_out_of_range) fail(item, "'" + shorten_value(field, 30) + "' is too large");
    if (ec != std::errc() || ptr != field.data() + field.size())
      fail(item, "'" + shorten_value(field, 30) + "' is not a whole number");
    if (v < lo || v > hi)
      fail(item, str("'", field, "' is out of range (must be ", lo == INT64_MIN ? "" : str(">= ", lo),
                     lo != INT64_MIN && hi != INT64_MAX ? " and " : "", hi == INT64_MAX ? "" : str("<= ", hi), ")"));
    out.push_back(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

Params make_params(const Schema& schema, const std::map<std::string, Value>& overrides) {
  RawParams raw;
  for (const auto& [k, v] : overrides) raw[k] = RawValue{v, ""};
  return resolve_params(schema, raw, "parameters");
}

}  // namespace siamese
