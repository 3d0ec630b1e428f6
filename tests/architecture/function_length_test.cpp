// Every function defined in a source file of the library is short enough to read at once (about 60
// lines; 65 is the hard limit here). A longer one is a sign it does several things: split it into named
// parts. The scan relies on the project's layout: a function at namespace scope starts on a line at
// column 0 that ends with '{' and ends at the next line that starts with '}'.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "paths.h"

namespace {

namespace fs = std::filesystem;

constexpr int kMaxBodyLines = 65;

struct LongFunction {
  std::string where;
  int lines;
};

std::vector<LongFunction> long_functions(const fs::path& file) {
  static const std::regex not_a_function(R"(^(namespace|struct|class|enum|union|extern|template|#|//))");
  std::vector<std::string> lines;
  std::ifstream in(file);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::vector<LongFunction> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.empty() || std::isspace(static_cast<unsigned char>(l[0])) || l.back() != '{') continue;
    const bool has_parameters =
        l.find('(') != std::string::npos || (i > 0 && lines[i - 1].find('(') != std::string::npos);
    if (std::regex_search(l, not_a_function) || !has_parameters) continue;
    size_t j = i + 1;
    while (j < lines.size() && (lines[j].empty() || lines[j][0] != '}')) ++j;
    const int body = static_cast<int>(j - i - 1);
    if (body > kMaxBodyLines) out.push_back({file.string() + ":" + std::to_string(i + 1), body});
    i = j;
  }
  return out;
}

TEST(FunctionLength, TheScanFindsALongFunction) {
  const fs::path f = fs::temp_directory_path() / "siamese_function_length_probe.cpp";
  {
    std::ofstream out(f);
    out << "namespace siamese {\n\nint short_one(int x) {\n  return x;\n}\n\nint long_one(int x) {\n";
    for (int k = 0; k < kMaxBodyLines + 1; ++k) out << "  x += " << k << ";\n";
    out << "  return x;\n}\n\n}  // namespace siamese\n";
  }
  const auto found = long_functions(f);
  fs::remove(f);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].where.find(":7"), std::string::npos) << found[0].where;
  EXPECT_EQ(found[0].lines, kMaxBodyLines + 2);
}

TEST(FunctionLength, EveryLibraryFunctionIsShort) {
  const fs::path root = fs::path(siamese::test::source_dir()) / "src" / "siamese";
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file() || e.path().extension() != ".cpp") continue;
    ++files;
    for (const auto& f : long_functions(e.path()))
      ADD_FAILURE() << f.where << ": " << f.lines << " lines (at most " << kMaxBodyLines << "): split it";
  }
  EXPECT_GT(files, 50) << "the scan found too few sources";
}

}  // namespace
