// OptionBinder: one line per parameter gives the schema (defaults from the struct's initialisers) and the
// binding of resolved params back into the struct.
#include <gtest/gtest.h>

#include "siamese/core/error.h"
#include "siamese/core/options.h"

namespace siamese {
namespace {

struct ToyOptions {
  int64_t k = 5;
  double tol = 1e-3;
  bool verbose = false;
  std::string mode = "fast";
  uint64_t seed = 7;
};

const OptionBinder<ToyOptions>& toy_binder() {
  static const auto b = [] {
    OptionBinder<ToyOptions> b;
    b.add("k", &ToyOptions::k, "neighbours").at_least(1);
    b.add("tol", &ToyOptions::tol, "tolerance").above(0);
    b.add("verbose", &ToyOptions::verbose, "talk");
    b.add("mode", &ToyOptions::mode, "how").one_of({"fast", "exact"});
    b.add("seed", &ToyOptions::seed, "seed");
    return b;
  }();
  return b;
}

TEST(OptionBinder, SchemaTakesNamesAndDefaultsFromTheStruct) {
  const Schema& s = toy_binder().schema();
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[0].name, "k");
  EXPECT_EQ(s[0].type, ParamType::kInt);
  EXPECT_EQ(std::get<int64_t>(s[0].default_value), 5);
  EXPECT_EQ(std::get<double>(s[1].default_value), 1e-3);
  EXPECT_TRUE(s[1].min_exclusive);
  EXPECT_EQ(std::get<bool>(s[2].default_value), false);
  EXPECT_EQ(std::get<std::string>(s[3].default_value), "fast");
  EXPECT_EQ(s[3].choices.size(), 2u);
  EXPECT_EQ(std::get<int64_t>(s[4].default_value), 7);
  EXPECT_EQ(*s[4].min, 0.0);  // a seed is never negative
}

TEST(OptionBinder, BindFillsEveryFieldFromResolvedParams) {
  const Params p = make_params(
      toy_binder().schema(),
      {{"k", int64_t{9}}, {"tol", 0.5}, {"verbose", true}, {"mode", std::string("exact")}, {"seed", int64_t{42}}});
  const ToyOptions o = toy_binder().bind(p);
  EXPECT_EQ(o.k, 9);
  EXPECT_EQ(o.tol, 0.5);
  EXPECT_TRUE(o.verbose);
  EXPECT_EQ(o.mode, "exact");
  EXPECT_EQ(o.seed, 42u);
  const ToyOptions d = toy_binder().bind(make_params(toy_binder().schema()));
  EXPECT_EQ(d.k, ToyOptions{}.k);
  EXPECT_EQ(d.mode, ToyOptions{}.mode);
}

TEST(OptionBinder, RangesAreCheckedByTheSchema) {
  EXPECT_THROW(make_params(toy_binder().schema(), {{"k", int64_t{0}}}), ConfigError);
  EXPECT_THROW(make_params(toy_binder().schema(), {{"tol", 0.0}}), ConfigError);
  EXPECT_THROW(make_params(toy_binder().schema(), {{"mode", std::string("slow")}}), ConfigError);
  EXPECT_THROW(make_params(toy_binder().schema(), {{"seed", int64_t{-1}}}), ConfigError);
}

}  // namespace
}  // namespace siamese
