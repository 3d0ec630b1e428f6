// Recipes are strict: unknown sections/keys, wrong types and out-of-range values are errors that name the
// file, the line and the key; --set overrides; the resolved config round-trips.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "siamese/core/error.h"
#include "siamese/train/recipe.h"

namespace siamese {
namespace {

std::string error_of(const std::string& text, std::vector<std::string> overrides = {}) {
  try {
    load_recipe_string(text, "r.toml", overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Config, DefaultsFilledAndComponentsChosen) {
  Config c = load_recipe_string("[loss]\nname = \"contrastive_legacy\"\nmargin = 2\n", "r.toml");
  EXPECT_EQ(c.component("loss"), "contrastive_legacy");
  EXPECT_DOUBLE_EQ(c.params("loss").f("margin"), 2.0);  // integer accepted where a float is expected
  EXPECT_EQ(c.params("loss").s("reducer"), "mean");
  EXPECT_EQ(c.component("model"), "lenet");
  EXPECT_EQ(c.component("distance"), "");  // optional section: the loss's own distance
  EXPECT_EQ(c.params("train").i("iterations"), 10000);
}

// A number on the command line for a string key is taken as written ("16", not 16.0 or an error); in a
// recipe file the TOML types stay strict.
TEST(Config, SetGivesAStringKeyTheLiteralAsWritten) {
  Config c = load_recipe_string("[model]\nname = \"mlp\"\n", "r.toml", {"model.hidden=16", "loss.margin=2"});
  EXPECT_EQ(c.params("model").s("hidden"), "16");
  EXPECT_DOUBLE_EQ(c.params("loss").f("margin"), 2.0);
  c = load_recipe_string("[model]\nname = \"mlp\"\n", "r.toml", {"model.hidden=1e3"});
  EXPECT_EQ(c.params("model").s("hidden"), "1e3");  // kept as text: the branch's list parser rejects it
  EXPECT_NE(error_of("[model]\nname = \"mlp\"\nhidden = 16\n").find("string"), std::string::npos);
}

TEST(Config, UnknownKeyNamesFileLineAndKey) {
  std::string e = error_of("[run]\nseed = 3\n\n[loss]\nmargn = 1.0\n");
  EXPECT_NE(e.find("r.toml:5"), std::string::npos) << e;
  EXPECT_NE(e.find("'margn'"), std::string::npos) << e;
  EXPECT_NE(e.find("margin"), std::string::npos) << e;  // lists the known keys
}

TEST(Config, WrongTypeAndRange) {
  std::string e = error_of("[train]\niterations = \"many\"\n");
  EXPECT_NE(e.find("r.toml:2"), std::string::npos) << e;
  EXPECT_NE(e.find("integer"), std::string::npos) << e;
  e = error_of("[loss]\nmargin = -1.0\n");
  EXPECT_NE(e.find("out of range"), std::string::npos) << e;
  e = error_of("[train]\niterations = 1.5\n");
  EXPECT_NE(e.find("iterations"), std::string::npos) << e;
}

TEST(Config, UnknownSectionAndComponentListKnownNames) {
  std::string e = error_of("[lossy]\nmargin = 1\n");
  EXPECT_NE(e.find("unknown section [lossy]"), std::string::npos) << e;
  e = error_of("[loss]\nname = \"contrastiv\"\n");
  EXPECT_NE(e.find("r.toml:2"), std::string::npos) << e;
  EXPECT_NE(e.find("contrastive_legacy"), std::string::npos) << e;
}

TEST(Config, SyntaxErrorNamesLine) {
  std::string e = error_of("[run]\nseed = = 3\n");
  EXPECT_NE(e.find("r.toml:2"), std::string::npos) << e;
}

TEST(Config, SetOverridesAndIsValidated) {
  Config c = load_recipe_string("[loss]\nmargin = 2.0\n", "r.toml", {"loss.margin=0.5", "run.seed=9", "data.classes=4,9"});
  EXPECT_DOUBLE_EQ(c.params("loss").f("margin"), 0.5);
  EXPECT_EQ(c.params("run").i("seed"), 9);
  EXPECT_EQ(c.params("data").s("classes"), "4,9");
  std::string e = error_of("", {"loss.nope=1"});
  EXPECT_NE(e.find("--set loss.nope=1"), std::string::npos) << e;
  e = error_of("", {"lossmargin"});
  EXPECT_NE(e.find("section.key=value"), std::string::npos) << e;
}

TEST(Config, ResolvedTomlRoundTrips) {
  Config c = load_recipe_string("[model]\nname = \"mlp\"\nhidden = \"32\"\n[optimizer]\nlr = 0.125\n", "r.toml");
  Config again = load_recipe_string(c.to_toml(), "resolved.toml");
  EXPECT_EQ(c.to_toml(), again.to_toml());
  EXPECT_EQ(again.params("model").s("hidden"), "32");
  EXPECT_DOUBLE_EQ(again.params("optimizer").f("lr"), 0.125);
}

std::string file_error(const std::string& path) {
  try {
    load_recipe(path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigFile, DirectoryUnreadableAndEmptyRecipesAreConfigErrors) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "siamese_recipe_files";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "a_dir.toml");
  std::string e = file_error((dir / "a_dir.toml").string());
  EXPECT_NE(e.find("a_dir.toml: is a directory"), std::string::npos) << e;

  std::ofstream(dir / "empty.toml") << "";
  e = file_error((dir / "empty.toml").string());
  EXPECT_NE(e.find("empty.toml: empty recipe"), std::string::npos) << e;
  std::ofstream(dir / "comments.toml") << "# only a comment\n\n   \n";
  e = file_error((dir / "comments.toml").string());
  EXPECT_NE(e.find("comments.toml: empty recipe"), std::string::npos) << e;  // not "all defaults"

  // Opened but not readable: procfs's clear_refs has no read operation (EINVAL on read for root, EACCES
  // on open for anyone else); either way one ConfigError naming the file.
  if (std::filesystem::exists("/proc/self/clear_refs")) {
    e = file_error("/proc/self/clear_refs");
    EXPECT_NE(e.find("/proc/self/clear_refs: cannot "), std::string::npos) << e;
  }
  std::ofstream(dir / "locked.toml") << "[run]\nseed = 1\n";
  std::filesystem::permissions(dir / "locked.toml", std::filesystem::perms::none);
  if (::access((dir / "locked.toml").c_str(), R_OK) == 0) GTEST_SKIP() << "running as root: mode 000 stays readable";
  e = file_error((dir / "locked.toml").string());
  EXPECT_NE(e.find("locked.toml: cannot open recipe (Permission denied)"), std::string::npos) << e;
}

TEST(ConfigFile, LongValuesAreShortenedInMessages) {
  std::string e = error_of("[loss]\nmargin = \"" + std::string(400, 'm') + "\"\n");
  EXPECT_NE(e.find("(402 characters)"), std::string::npos) << e;
  EXPECT_LT(e.size(), 250u) << e;
  e = error_of("", {"loss.margin" + std::string(300, 'q')});
  EXPECT_NE(e.find("characters)"), std::string::npos) << e;
  EXPECT_LT(e.size(), 250u) << e;
}

}  // namespace
}  // namespace siamese
