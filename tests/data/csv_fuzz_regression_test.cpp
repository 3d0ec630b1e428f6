// Inputs found by fuzz/csv_fuzz.cpp, kept as regression tests. Each is the fuzzer's input verbatim: two bytes
// of options (decoded as the target does) and the file. Both were undefined behaviour (a double outside the
// int64 range converted to int64, reported by UBSan) on an integer-valued label or header count of 1e19+.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "siamese/core/error.h"
#include "siamese/data/csv.h"

namespace siamese {
namespace {

CsvTable load_fuzz_input(const std::string& name, const std::string& input) {
  CsvOptions opt;  // the framing of fuzz/csv_fuzz.cpp
  const auto b0 = static_cast<unsigned char>(input[0]), b1 = static_cast<unsigned char>(input[1]);
  opt.header_lines = (b0 & 3) - 1;
  static const char* const modes[] = {"auto", "class", "tertiles", "auto"};
  opt.labels = modes[(b0 >> 2) & 3];
  opt.zscore = (b0 >> 4) & 1;
  opt.label_column = static_cast<int>(b1 % 5) - 2;
  const std::string path = (std::filesystem::path(::testing::TempDir()) / ("siamese_csv_fuzz_" + name)).string();
  std::ofstream(path, std::ios::binary) << input.substr(2);
  return load_csv(path, opt);
}

// crash-fea1b855: one header line, label column 1, the label 3e73 (integer-valued, so class mode). The
// verbatim input has one data row, which a table may no longer have (DataError); with three rows the label
// reaches the class naming that overflowed.
TEST(CsvFuzzRegression, HugeIntegerLabelNamesItsClassWithoutOverflow) {
  const std::string input("\x22\x0d\x0a\x0d\x39\x2c\x33\x2e\x45\x37\x33", 11);  // header "", row "\r9,3.E73"
  EXPECT_THROW(load_fuzz_input("huge_label_1", input), DataError);
  CsvTable t = load_fuzz_input("huge_label", input + "\n8,3.E73\n7,1\n");
  EXPECT_EQ(t.label_mode, "class");
  ASSERT_EQ(t.class_names, (std::vector<std::string>{"1", "3e+73"}));
  EXPECT_EQ(t.label_values, (std::vector<double>{1, 3e73}));
  EXPECT_TRUE(torch::equal(t.y, torch::tensor({1, 1, 0}, torch::kLong)));
  EXPECT_EQ(t.x.sizes(), (std::vector<int64_t>{3, 1}));
  EXPECT_EQ(t.x[0].item<double>(), 9.0);
}

// crash-e42a1ef1: a scikit-learn-like first header whose row count 501e191 does not fit an int64 (the
// verbatim input plus two rows, see above).
TEST(CsvFuzzRegression, HugeDeclaredRowCountIsNotTheRowCount) {
  const std::string input("\0\x03" "501e191,0,1\\21.6\n0.02729,2,4.7\n", 33);
  EXPECT_THROW(load_fuzz_input("huge_count_1", input), DataError);
  CsvTable t = load_fuzz_input("huge_count", input + "1,2,3\n4,2,6\n");
  ASSERT_EQ(t.class_names, std::vector<std::string>{"2"});  // not the header's names: 5.01e193 != 3 rows
  ASSERT_EQ(t.x.sizes(), (std::vector<int64_t>{3, 2}));
  EXPECT_DOUBLE_EQ(t.x[0][0].item<double>(), 0.02729);
  EXPECT_DOUBLE_EQ(t.x[0][1].item<double>(), 4.7);
}

}  // namespace
}  // namespace siamese
