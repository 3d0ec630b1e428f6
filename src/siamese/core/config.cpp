#include "siamese/core/config.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>

#include <toml++/toml.h>

#include "siamese/core/error.h"
#include "siamese/core/text.h"

namespace siamese {

const Section& Config::section(const std::string& name) const {
  auto it = sections_.find(name);
  SIAMESE_ASSERT(it != sections_.end(), "config has no section [", name, "]");
  return it->second;
}

std::string Config::to_toml() const {
  std::ostringstream os;
  for (const auto& name : order) {
    const Section& s = sections_.at(name);
    os << "[" << name << "]\n";
    if (!s.component.empty()) os << "name = " << value_to_string(s.component) << "\n";
    for (const auto& [k, v] : s.params.values()) os << k << " = " << value_to_string(v) << "\n";
    os << "\n";
  }
  return os.str();
}

namespace {

std::string origin_of(const toml::node& n, const std::string& source) {
  const auto& src = n.source();
  if (src.begin.line == 0) return source;
  return str(source, ":", src.begin.line);
}

Value to_value(const toml::node& n, const std::string& where, const std::string& key) {
  if (auto v = n.as_boolean()) return v->get();
  if (auto v = n.as_integer()) return static_cast<int64_t>(v->get());
  if (auto v = n.as_floating_point()) return v->get();
  if (auto v = n.as_string()) return v->get();
  throw ConfigError(str(where, ": key '", key, "' must be a number, bool or string"));
}

// Debian's toml++ 3.3.0 reaches __builtin_unreachable (undefined behaviour) when it tests some non-ASCII
// code points for whitespace (tomlplusplus issues #190 and #295, fixed upstream by pull request #305; found
// by fuzz/recipe_fuzz.cpp). TOML allows non-ASCII text only inside strings and comments, so such a
// character elsewhere (or right after a line-ending backslash in a """ string) is refused before toml++
// sees it. Returns the 1-based line of the first one, 0 when there is none.
size_t non_ascii_outside_strings(const std::string& t) {
  auto blank = [](char d) { return d == ' ' || d == '\t' || d == '\r' || d == '\n'; };
  size_t line = 1;
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c == '\n') {
      ++line;
    } else if (c == '#') {
      while (i + 1 < t.size() && t[i + 1] != '\n') ++i;
    } else if (c == '"' || c == '\'') {
      const std::string close(t.compare(i, 3, std::string(3, c)) == 0 ? 3 : 1, c);
      const bool multi = close.size() == 3;
      for (i += close.size(); i < t.size(); ++i) {
        if (t[i] == '\n' && (++line, !multi)) break;
        if (c == '"' && t[i] == '\\') {
          size_t j = i + 1;
          while (multi && j < t.size() && blank(t[j])) line += t[j++] == '\n';
          if (j > i + 1 && j < t.size() && static_cast<unsigned char>(t[j]) >= 0x80) return line;
          i = j > i + 1 ? j - 1 : i + 1;  // past the escaped character or the skipped whitespace
        } else if (t.compare(i, close.size(), close) == 0) {
          i += close.size() - 1;
          break;
        }
      }
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      return line;
    }
  }
  return 0;
}

Value parse_literal(const std::string& text) {
  if (non_ascii_outside_strings("v = " + text)) return text;  // not a TOML literal: a bare word
  try {
    toml::table t = toml::parse("v = " + text);
    const toml::node* n = t.get("v");
    if (n) return to_value(*n, "--set", "v");
  } catch (const toml::parse_error&) {
  } catch (const ConfigError&) {
  }
  return text;  // a bare word is a string
}

// Well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF), as TOML requires of text.
bool valid_utf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;  // continuation bytes
    if (c >= 0xC2 && c <= 0xDF) n = 1;
    else if (c >= 0xE0 && c <= 0xEF) n = 2;
    else if (c >= 0xF0 && c <= 0xF4) n = 3;
    else if (c >= 0x80) return false;
    if (n > s.size() - i - 1) return false;
    const auto c1 = n ? static_cast<unsigned char>(s[i + 1]) : 0;
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F))
      return false;
    for (size_t k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n + 1;
  }
  return true;
}

}  // namespace

Override parse_override(const std::string& text) {
  if (!valid_utf8(text)) throw ConfigError("--set: not valid UTF-8 text");
  auto eq = text.find('=');
  auto dot = text.find('.');
  if (eq == std::string::npos || dot == std::string::npos || dot > eq || dot == 0 || dot + 1 == eq)
    throw ConfigError(str("--set '", shorten_value(text), "': expected section.key=value"));
  Override o;
  o.section = text.substr(0, dot);
  o.key = text.substr(dot + 1, eq - dot - 1);
  o.value = parse_literal(text.substr(eq + 1));
  o.text = text;
  return o;
}

static Config build(const toml::table& table, const std::string& source, const std::vector<SectionSpec>& spec,
                    const std::vector<std::string>& override_texts) {
  // Raw values per section, with their origin.
  std::map<std::string, RawParams> raw;
  std::map<std::string, RawValue> names;
  auto find_spec = [&](const std::string& sec, const std::string& at) -> const SectionSpec& {
    for (const auto& s : spec)
      if (s.name == sec) return s;
    std::string known;
    for (const auto& s : spec) known += (known.empty() ? "" : ", ") + s.name;
    throw ConfigError(str(at, ": unknown section [", shorten_value(sec), "] (known: ", known, ")"));
  };
  for (const auto& [k, node] : table) {
    std::string sec(k.str());
    const SectionSpec& ss = find_spec(sec, origin_of(node, source));
    const toml::table* t = node.as_table();
    if (!t) throw ConfigError(str(origin_of(node, source), ": [", sec, "] must be a table"));
    for (const auto& [kk, vn] : *t) {
      std::string key(kk.str());
      std::string at = origin_of(vn, source);
      if (vn.is_table() || vn.is_array())
        throw ConfigError(str(at, ": key '", sec, ".", key, "' must be a number, bool or string"));
      Value v = to_value(vn, at, key);
      if (ss.registry && key == "name") {
        if (!std::holds_alternative<std::string>(v))
          throw ConfigError(str(at, ": key '", sec, ".name' must be a string"));
        names[sec] = RawValue{v, at};
      } else {
        raw[sec][key] = RawValue{v, at};
      }
    }
  }
  for (const auto& text : override_texts) {
    Override o = parse_override(text);
    const SectionSpec& ss = find_spec(o.section, "--set " + shorten_value(text));
    if (ss.registry && o.key == "name") {
      if (!std::holds_alternative<std::string>(o.value)) o.value = value_to_string(o.value);
      names[o.section] = RawValue{o.value, "--set " + shorten_value(text)};
    } else {
      // A number or bool keeps its text too, for a string key (`--set model.hidden=16`).
      const bool typed = !std::holds_alternative<std::string>(o.value);
      raw[o.section][o.key] = RawValue{o.value, "--set " + shorten_value(text), typed ? text.substr(text.find('=') + 1) : ""};
    }
  }

  Config cfg;
  cfg.source = source;
  for (const auto& ss : spec) {
    Section s;
    std::string where = str(source, " [", ss.name, "]");
    Schema schema = ss.schema;
    std::string chosen = names.count(ss.name) ? std::get<std::string>(names[ss.name].value) : ss.default_component;
    if (ss.registry && chosen.empty() && !raw[ss.name].empty())
      throw ConfigError(str(raw[ss.name].begin()->second.origin, ": [", ss.name, "] needs a 'name' (one of: ",
                            [&] {
                              std::string k;
                              for (const auto& n : ss.registry->names()) k += (k.empty() ? "" : ", ") + n;
                              return k;
                            }(),
                            ")"));
    if (ss.registry && !chosen.empty()) {
      std::string comp = chosen;
      if (!ss.registry->contains(comp)) {
        std::string at = names.count(ss.name) ? names[ss.name].origin : where;
        throw ConfigError(str(at, ": ", ss.registry->unknown_message(comp)));
      }
      s.component = comp;
      const auto& info = ss.registry->info(comp);
      schema.insert(schema.end(), info.schema.begin(), info.schema.end());
      where = str(source, " [", ss.name, "] ", comp);
    }
    s.params = resolve_params(schema, raw[ss.name], where);
    cfg.order.push_back(ss.name);
    cfg.sections_[ss.name] = std::move(s);
  }
  return cfg;
}

static toml::table parse_toml(const std::string& toml_text, const std::string& source_name) {
  if (size_t line = non_ascii_outside_strings(toml_text))
    throw ConfigError(str(source_name, ":", line, ": a non-ASCII character outside a string or comment"));
  try {
    return toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    throw ConfigError(str(source_name, ":", e.source().begin.line, ": TOML syntax error: ", e.description()));
  }
}

Config load_config_string(const std::string& toml_text, const std::string& source_name,
                          const std::vector<SectionSpec>& spec, const std::vector<std::string>& overrides) {
  return build(parse_toml(toml_text, source_name), source_name, spec, overrides);
}

// The recipe's text. A directory, a file that cannot be opened or read, and an empty file (nothing but
// blanks and comments: an empty recipe is a mistake, not "all defaults") are ConfigErrors naming the path.
static std::string read_recipe_text(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw ConfigError(str(path, ": is a directory, not a recipe file"));
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw ConfigError(str(path, ": cannot open recipe (", std::strerror(errno), ")"));
  std::string text;
  char buf[1 << 14];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  std::fclose(f);
  if (failed) throw ConfigError(str(path, ": cannot read recipe (", std::strerror(err), ")"));
  return text;
}

Config load_config_file(const std::string& path, const std::vector<SectionSpec>& spec,
                        const std::vector<std::string>& overrides) {
  const toml::table table = parse_toml(read_recipe_text(path), path);
  if (table.empty())
    throw ConfigError(str(path, ": empty recipe (no section; an empty file is not \"all defaults\": write at "
                                "least the sections you mean, e.g. [data])"));
  return build(table, path, spec, overrides);
}

}  // namespace siamese
