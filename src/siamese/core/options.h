// Options structs whose parameters are defined once.
//
// A component with an `XOptions` struct (C++ callers set fields, recipes set keys) declares each parameter
// in ONE line that names the key, the field and the summary; the default is the field's initialiser in
// the struct. From those lines the binder gives the Schema (recipe validation, `siamese list`, docs) and
// turns resolved Params into a filled struct — so name, default and meaning cannot drift apart.
//
//   struct FooOptions { int64_t k = 5; double tol = 1e-3; };
//   const OptionBinder<FooOptions>& foo_binder() {
//     static const auto b = [] {
//       OptionBinder<FooOptions> b;
//       b.add("k", &FooOptions::k, "neighbours per point").at_least(1);
//       b.add("tol", &FooOptions::tol, "stopping tolerance").above(0);
//       return b;
//     }();
//     return b;
//   }
//   FooOptions o = foo_binder().bind(params);     Schema s = foo_binder().schema();
//
// add() returns the new ParamSpec for range modifiers; the reference is valid until the next add().
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "siamese/core/params.h"

namespace siamese {

template <class Options>
class OptionBinder {
 public:
  ParamSpec& add(std::string name, int64_t Options::*field, std::string summary) {
    return push(integer(name, Options{}.*field, std::move(summary)), name, field, &Params::i);
  }
  ParamSpec& add(std::string name, double Options::*field, std::string summary) {
    return push(real(name, Options{}.*field, std::move(summary)), name, field, &Params::f);
  }
  ParamSpec& add(std::string name, bool Options::*field, std::string summary) {
    return push(boolean(name, Options{}.*field, std::move(summary)), name, field, &Params::b);
  }
  ParamSpec& add(std::string name, std::string Options::*field, std::string summary) {
    return push(text(name, Options{}.*field, std::move(summary)), name, field, &Params::s);
  }
  // An unsigned field (a seed) read from a non-negative integer key.
  ParamSpec& add(std::string name, uint64_t Options::*field, std::string summary) {
    schema_.push_back(integer(name, static_cast<int64_t>(Options{}.*field), std::move(summary)).at_least(0));
    setters_.push_back([name, field](Options& o, const Params& p) { o.*field = static_cast<uint64_t>(p.i(name)); });
    return schema_.back();
  }

  const Schema& schema() const { return schema_; }

  // Requires: `p` was resolved against schema() (or a schema that contains it).
  Options bind(const Params& p) const {
    Options o;
    for (const auto& set : setters_) set(o, p);
    return o;
  }

 private:
  template <class T, class Getter>
  ParamSpec& push(ParamSpec spec, const std::string& name, T Options::*field, Getter get) {
    schema_.push_back(std::move(spec));
    setters_.push_back([name, field, get](Options& o, const Params& p) { o.*field = (p.*get)(name); });
    return schema_.back();
  }

  Schema schema_;
  std::vector<std::function<void(Options&, const Params&)>> setters_;
};

}  // namespace siamese
