// The layer picture of docs/architecture.md, enforced: every `#include "siamese/<folder>/..."` in src/
// points to the same folder or to a folder of a strictly lower layer. A new folder must be given a layer
// here (and in the doc) before it can be used. The test reads the real source tree.
#include <gtest/gtest.h>

#include "paths.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

namespace fs = std::filesystem;

// Keep in step with the "Layers" section of docs/architecture.md.
const std::map<std::string, int>& layers() {
  static const std::map<std::string, int> l = {
      {"core", 0}, {"data", 1},   {"distance", 1}, {"model", 1}, {"viz", 1},    {"index", 2},
      {"loss", 3}, {"sample", 3}, {"mine", 3},     {"eval", 4},  {"metric", 5}, {"train", 6},
  };
  return l;
}

struct Include {
  std::string file;
  int line;
  std::string from, to;
};

std::vector<Include> includes_under(const fs::path& root) {
  static const std::regex re(R"(^\s*#\s*include\s+"siamese/([A-Za-z0-9_]+)/)");
  std::vector<Include> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    const auto ext = e.path().extension();
    if (ext != ".h" && ext != ".cpp") continue;
    const std::string from = fs::relative(e.path(), root).begin()->string();
    std::ifstream in(e.path());
    std::string text;
    int n = 0;
    while (std::getline(in, text)) {
      ++n;
      std::smatch m;
      if (std::regex_search(text, m, re)) out.push_back({e.path().string(), n, from, m[1].str()});
    }
  }
  return out;
}

// "file:line: from (layer a) includes to (layer b)" for each include that does not point down.
std::vector<std::string> violations(const fs::path& root) {
  std::vector<std::string> out;
  for (const auto& i : includes_under(root)) {
    if (i.from == i.to) continue;
    const auto f = layers().find(i.from), t = layers().find(i.to);
    if (f == layers().end() || t == layers().end()) {
      out.push_back(i.file + ":" + std::to_string(i.line) + ": unknown folder " +
                    (f == layers().end() ? i.from : i.to));
    } else if (t->second >= f->second) {
      out.push_back(i.file + ":" + std::to_string(i.line) + ": " + i.from + " (layer " + std::to_string(f->second) +
                    ") includes " + i.to + " (layer " + std::to_string(t->second) +
                    "); move the piece to the folder it belongs to");
    }
  }
  return out;
}

TEST(Layering, TheCheckFindsAnUpwardInclude) {
  const fs::path root = fs::temp_directory_path() / ("siamese_layering_" + std::to_string(::getpid()));
  fs::create_directories(root / "distance");
  fs::create_directories(root / "loss");
  std::ofstream(root / "distance" / "x.cpp") << "#include \"siamese/loss/loss.h\"\n#include \"siamese/core/error.h\"\n";
  std::ofstream(root / "loss" / "y.cpp") << "  #include \"siamese/distance/distance.h\"\n";
  const auto v = violations(root);
  fs::remove_all(root);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].find("x.cpp:1: distance (layer 1) includes loss (layer 3)"), std::string::npos) << v[0];
}

TEST(Layering, EveryFolderHasALayer) {
  const fs::path root = fs::path(siamese::test::source_dir()) / "src" / "siamese";
  for (const auto& e : fs::directory_iterator(root)) {
    if (!e.is_directory()) continue;
    EXPECT_TRUE(layers().count(e.path().filename().string()))
        << e.path() << " has no layer: add it to docs/architecture.md and to this test";
  }
}

TEST(Layering, IncludesOnlyPointDown) {
  const fs::path root = fs::path(siamese::test::source_dir()) / "src" / "siamese";
  ASSERT_GT(includes_under(root).size(), 100u) << "the scan found too few includes: is the source dir right?";
  for (const auto& v : violations(root)) ADD_FAILURE() << v;
}

// The library is self-contained: its quoted includes all name "siamese/..." headers, never the program's
// (apps/siamese/*.h) or a test's.
TEST(Layering, TheLibraryOnlyIncludesItsOwnHeaders) {
  const fs::path root = fs::path(siamese::test::source_dir()) / "src";
  static const std::regex quoted(R"re(^\s*#\s*include\s+"([^"]+)")re");
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path());
    std::string text;
    std::smatch m;
    while (std::getline(in, text))
      if (std::regex_search(text, m, quoted)) {
        EXPECT_EQ(m[1].str().rfind("siamese/", 0), 0u) << e.path() << ": " << text;
      }
  }
}

}  // namespace
