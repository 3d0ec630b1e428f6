// Registries: one per component kind (loss, distance, branch, sampler, miner, dataset, lr policy, ...).
//
// A component is a name, a one-line summary, a parameter Schema and a factory. Each kind's registry is
// filled by an explicit table (`<kind>/builtin.cpp`, one line per component): no static-initialiser
// registration, so nothing is dropped by static linking. Asking for an unknown name throws ConfigError
// listing the known names.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "siamese/core/error.h"
#include "siamese/core/params.h"

namespace siamese {

// What `siamese list` shows of a component, independent of its type.
struct ComponentInfo {
  std::string name;
  std::string summary;
  Schema schema;
};

class RegistryBase {
 public:
  explicit RegistryBase(std::string kind) : kind_(std::move(kind)) {}
  virtual ~RegistryBase() = default;
  const std::string& kind() const { return kind_; }
  virtual std::vector<ComponentInfo> infos() const = 0;
  std::vector<std::string> names() const;
  bool contains(const std::string& name) const;
  const ComponentInfo& info(const std::string& name) const;  // throws ConfigError listing known names
  std::string unknown_message(const std::string& name) const;

 protected:
  std::string kind_;
  mutable std::vector<ComponentInfo> cache_;
};

template <class T, class... Args>
class Registry : public RegistryBase {
 public:
  using Factory = std::function<std::shared_ptr<T>(const Params&, Args...)>;
  struct Entry {
    std::string name;
    std::string summary;
    Schema schema;
    Factory make;
  };

  explicit Registry(std::string kind) : RegistryBase(std::move(kind)) {}

  void add(Entry e) {
    SIAMESE_ASSERT(!contains(e.name), "duplicate ", kind_, " '", e.name, "'");
    entries_.push_back(std::move(e));
    cache_.clear();
  }

  const Entry& entry(const std::string& name) const {
    for (const auto& e : entries_)
      if (e.name == name) return e;
    throw ConfigError(unknown_message(name));
  }

  // Builds `name` from already-resolved params.
  std::shared_ptr<T> create(const std::string& name, const Params& p, Args... args) const {
    return entry(name).make(p, args...);
  }

  // Builds `name` with its defaults overridden by `overrides` (validated against the schema).
  std::shared_ptr<T> create_with(const std::string& name, const std::map<std::string, Value>& overrides,
                                 Args... args) const {
    const Entry& e = entry(name);
    return e.make(make_params(e.schema, overrides), args...);
  }

  std::vector<ComponentInfo> infos() const override {
    if (cache_.size() != entries_.size()) {
      cache_.clear();
      for (const auto& e : entries_) cache_.push_back({e.name, e.summary, e.schema});
    }
    return cache_;
  }

 private:
  std::vector<Entry> entries_;
};

}  // namespace siamese
