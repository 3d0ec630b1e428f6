// Inputs found by fuzz/recipe_fuzz.cpp (and one found while reading the code it exercises), kept as
// regression tests of config.h's promise that a resolved recipe "writes itself back as TOML that loads to
// the same Config" (train writes config.toml this way; eval, embed, plot and --resume read it back).
#include <gtest/gtest.h>

#include "siamese/core/error.h"
#include "siamese/train/recipe.h"

namespace siamese {
namespace {

const char* const kBase = "[run]\nseed = 1\n";

// crash-60769ab1: a `--set` bare word holding a newline was written raw into a TOML string, and config.toml
// no longer loaded ("unescaped control characters ... are explicitly prohibited"). The override, verbatim:
TEST(ConfigFuzzRegression, ControlCharactersInASetValueRoundTrip) {
  const std::string set = "run.name=x zzzzz2006; methods.mdball_tripletsatch_size \xc2\xa7" "4): a 2-yD map learnt from a neighbourhood graph,\n# no class label2006; methods.";
  Config c = load_recipe_string(kBase, "r.toml", {set});
  const std::string name = set.substr(set.find('=') + 1);
  ASSERT_EQ(c.params("run").s("name"), name);
  ASSERT_NE(name.find('\n'), std::string::npos);
  const std::string toml = c.to_toml();
  Config again = load_recipe_string(toml, "config.toml");
  EXPECT_EQ(again.params("run").s("name"), name);
  EXPECT_EQ(again.to_toml(), toml);
  // Every control character, not only the newline.
  std::string all = "a";
  for (char ch = 1; ch < 0x20; ++ch) all += ch;
  all += "\x7f\"\\z";
  Config d = load_recipe_string(kBase, "r.toml", {"run.name=" + all});
  EXPECT_EQ(load_recipe_string(d.to_toml(), "config.toml").params("run").s("name"), all);
}

// crash-ed016a8a: a `--set` bare word that is not UTF-8 (byte 0xE5 alone) was accepted and written into
// config.toml, which then failed to load ("invalid utf-8 sequence"). TOML text is UTF-8: refuse it up front.
TEST(ConfigFuzzRegression, SetValueThatIsNotUtf8IsAConfigError) {
  const std::string set = "run.name=x r\xe5lation.py rurs/ons = 2000\nlog_every = 100\nnum_pairscheckpoint_every = 0500\n";
  try {
    load_recipe_string(kBase, "r.toml", {set});
    FAIL() << "accepted a --set value that is not UTF-8";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("UTF-8"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_override("run.name=\xff"), ConfigError);
}

// 12 of the 26 crashing inputs of the recipe campaign: undefined behaviour inside Debian's toml++ 3.3.0
// (__builtin_unreachable in is_non_ascii_horizontal_whitespace; tomlplusplus #190 / #295) whenever it tests
// a non-ASCII character outside a string for whitespace. Minimised by libFuzzer to the 3-byte recipe
// EF BB 87 (U+FEC7); crash-bfafc3f5 had "[sched \xc2\xa7"; --set run.name=\xc3\xa9lan reached it too.
// config.cpp now refuses such characters before toml++ parses the text (UBSan builds catch a regression).
TEST(ConfigFuzzRegression, NonAsciiOutsideStringsNeverReachesTomlpp) {
  auto error = [](const std::string& text) {
    try {
      load_recipe_string(text, "r.toml");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no ConfigError");
  };
  EXPECT_EQ(error("\xef\xbb\x87"), "r.toml:1: a non-ASCII character outside a string or comment");
  EXPECT_EQ(error("[run]\nseed = 1\n\n[sched \xc2\xa7"), "r.toml:4: a non-ASCII character outside a string or comment");
  EXPECT_NE(error("[run]\nname = \"\"\"\\\n\xc2\xa7\"\"\"\n").find("r.toml:3: a non-ASCII"), std::string::npos);
  // Non-ASCII text inside strings and comments is still fine, and so is a --set bare word.
  Config c = load_recipe_string("# \xc2\xa7 4\n[run]\nname = \"\xc2\xa7 \\\" \xe2\x88\x92\" # \xc2\xbd\n", "r.toml");
  EXPECT_EQ(c.params("run").s("name"), "\xc2\xa7 \" \xe2\x88\x92");
  Config d = load_recipe_string(kBase, "r.toml", {"run.name=\xc3\xa9lan", "loss.margin=1.5"});
  EXPECT_EQ(d.params("run").s("name"), "\xc3\xa9lan");
  EXPECT_EQ(std::get<std::string>(parse_override("run.name=\xc2\xa7\xe2\x88\x92").value), "\xc2\xa7\xe2\x88\x92");
  EXPECT_EQ(load_recipe_string(d.to_toml(), "config.toml").params("run").s("name"), "\xc3\xa9lan");
}

// Found while reading value_to_string for the fuzz target (the campaign did not reach it in 10 minutes):
// a subnormal float made std::stod throw std::out_of_range, so writing config.toml, or the error message
// of a subnormal given for an integer key, escaped as a foreign exception.
TEST(ConfigFuzzRegression, SubnormalFloatsRoundTripAndFailCleanly) {
  Config c = load_recipe_string("[optimizer]\nweight_decay = 1e-320\n", "r.toml");
  const std::string toml = c.to_toml();
  EXPECT_EQ(load_recipe_string(toml, "config.toml").params("optimizer").f("weight_decay"), 1e-320);
  EXPECT_THROW(load_recipe_string("[train]\niterations = 4.9e-324\n", "r.toml"), ConfigError);
  EXPECT_EQ(value_to_string(Value{5e-324}), "4.94066e-324");  // the shortest text that reads back
}

}  // namespace
}  // namespace siamese
