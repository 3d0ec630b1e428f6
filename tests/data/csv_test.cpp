// CSV loader: scikit-learn layouts, gzip, header detection, label modes, z-scoring and error messages.
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <zlib.h>

#include <fstream>

#include "siamese/core/error.h"
#include "siamese/data/csv.h"

namespace siamese {
namespace {

std::string write_fixture(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/siamese_csv_" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string expect_data_error(const std::string& path, const CsvOptions& opt = {}) {
  try {
    load_csv(path, opt);
  } catch (const DataError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no DataError for " << path;
  return "";
}

TEST(CsvLoader, SklearnHeaderGivesClassNames) {
  std::string p = write_fixture("iris_like.csv",
                                "4,2,setosa,versicolor\n5.1,3.5,0\n4.9,3.0,0\n7.0,3.2,1\n6.4,3.2,1\n");
  CsvTable t = load_csv(p);
  ASSERT_EQ(t.x.sizes(), (std::vector<int64_t>{4, 2}));
  EXPECT_EQ(t.x.scalar_type(), torch::kFloat64);
  EXPECT_DOUBLE_EQ(t.x[2][0].item<double>(), 7.0);
  EXPECT_TRUE(t.y.equal(torch::tensor({0, 0, 1, 1}, torch::kInt64)));
  EXPECT_EQ(t.class_names, (std::vector<std::string>{"setosa", "versicolor"}));
  EXPECT_EQ(t.label_mode, "class");
}

TEST(CsvLoader, TwoHeaderLinesAndTertileBinning) {
  // Boston layout: "N,d,,," then quoted column names, continuous target last.
  std::string text = "6,2,,\n\"A\",\"B\",\"MEDV\"\n";
  const double target[] = {10.5, 20.5, 30.5, 40.5, 50.5, 60.5};
  for (int i = 0; i < 6; ++i) text += std::to_string(i) + "," + std::to_string(i * 2) + "," + std::to_string(target[i]).substr(0, 4) + "\n";
  CsvTable t = load_csv(write_fixture("boston_like.csv", text));
  ASSERT_EQ(t.x.size(0), 6);
  EXPECT_EQ(t.label_mode, "tertiles");
  // Quantiles at 1/3 and 2/3 of {10.5..60.5} (linear interpolation): 10.5 + 5/3*10, 10.5 + 10/3*10.
  EXPECT_NEAR(t.label_values[0], 10.5 + 50.0 / 3.0, 1e-9);
  EXPECT_NEAR(t.label_values[1], 10.5 + 100.0 / 3.0, 1e-9);
  EXPECT_TRUE(t.y.equal(torch::tensor({0, 0, 1, 1, 2, 2}, torch::kInt64)));
  // Integer targets can be binned on request; non-integers cannot be classes.
  CsvOptions as_class;
  as_class.labels = "class";
  std::string msg = expect_data_error(write_fixture("boston_like2.csv", "a,b\n1,2.5\n3,4\n5,6\n"), as_class);
  EXPECT_NE(msg.find("boston_like2.csv:2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("column 2"), std::string::npos) << msg;
}

TEST(CsvLoader, GzipWithoutHeaderAndLabelMapping) {
  std::string path = ::testing::TempDir() + "/siamese_csv_digits_like.csv.gz";
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::string text = "0,16,3\n1,15,7\n2,14,3\n";
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
  CsvTable t = load_csv(path);
  ASSERT_EQ(t.x.sizes(), (std::vector<int64_t>{3, 2}));
  // Labels 3 and 7 map to 0 and 1 in increasing order; names are the original values.
  EXPECT_TRUE(t.y.equal(torch::tensor({0, 1, 0}, torch::kInt64)));
  EXPECT_EQ(t.class_names, (std::vector<std::string>{"3", "7"}));
}

TEST(CsvLoader, ZScoreAndLabelColumn) {
  CsvOptions o;
  o.zscore = true;
  o.label_column = 0;
  CsvTable t = load_csv(write_fixture("z.csv", "1,1,5\n0,2,5\n1,3,5\n0,6,5\n"), o);
  ASSERT_EQ(t.x.size(1), 2);
  EXPECT_TRUE(t.y.equal(torch::tensor({1, 0, 1, 0}, torch::kInt64)));
  // Column {1,2,3,6}: mean 3, population std sqrt((4+1+0+9)/4) = sqrt(3.5).
  EXPECT_NEAR(t.x[0][0].item<double>(), (1 - 3) / std::sqrt(3.5), 1e-12);
  EXPECT_NEAR(t.x.select(1, 0).mean().item<double>(), 0.0, 1e-12);
  // A constant column is centred, not divided by zero.
  EXPECT_TRUE(t.x.select(1, 1).eq(0).all().item<bool>());
}

TEST(CsvLoader, BadRowsNameFileLineAndColumn) {
  std::string msg = expect_data_error(write_fixture("bad_value.csv", "2,2,a,b\n1,2,0\n3,x,1\n"));
  EXPECT_NE(msg.find("bad_value.csv:3: column 2"), std::string::npos) << msg;
  msg = expect_data_error(write_fixture("bad_count.csv", "1,2,0\n1,2,0\n1,2\n"));
  EXPECT_NE(msg.find("bad_count.csv:3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected 3 fields, got 2"), std::string::npos) << msg;
  msg = expect_data_error(write_fixture("bad_empty.csv", "1,2,0\n1,,0\n"));
  EXPECT_NE(msg.find("bad_empty.csv:2: column 2"), std::string::npos) << msg;
  msg = expect_data_error(::testing::TempDir() + "/siamese_csv_missing.csv");
  EXPECT_NE(msg.find("siamese_csv_missing.csv"), std::string::npos) << msg;
  CsvOptions h;
  h.header_lines = 0;  // forcing "no header" turns the header into a bad row
  msg = expect_data_error(write_fixture("forced.csv", "a,b,c\n1,2,0\n"), h);
  EXPECT_NE(msg.find("forced.csv:1: column 1"), std::string::npos) << msg;
}

TEST(CsvLoader, TruncatedGzipAndTooFewRowsNameTheFile) {
  std::string text;
  for (int r = 0; r < 2000; ++r) text += std::to_string(r) + "," + std::to_string(r % 7) + "," + std::to_string(r % 3) + "\n";
  std::string path = ::testing::TempDir() + "/siamese_csv_full.csv.gz";
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
  std::ifstream in(path, std::ios::binary);
  std::string gz((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(load_csv(path).x.size(0), 2000);
  // Cut inside the deflate stream: without the check, the rows before the cut would load silently.
  std::string msg = expect_data_error(write_fixture("cut.csv.gz", gz.substr(0, gz.size() / 2)));
  EXPECT_NE(msg.find("siamese_csv_cut.csv.gz: truncated gzip stream (unexpected end of file)"), std::string::npos) << msg;

  msg = expect_data_error(write_fixture("one.csv", "1,2,0\n"));
  EXPECT_NE(msg.find("siamese_csv_one.csv: only 1 data row"), std::string::npos) << msg;
  msg = expect_data_error(write_fixture("two.csv", "a,b,label\n1,2,0\n3,4,1\n"));
  EXPECT_NE(msg.find("siamese_csv_two.csv: only 2 data rows"), std::string::npos) << msg;
  msg = expect_data_error(write_fixture("none.csv", "a,b,label\n"));
  EXPECT_NE(msg.find("siamese_csv_none.csv: no data rows"), std::string::npos) << msg;
  EXPECT_EQ(load_csv(write_fixture("three.csv", "1,2,0\n3,4,1\n5,6,1\n")).x.size(0), 3);
}

TEST(CsvLoader, ReadsTheInstalledSklearnFiles) {
  const std::string dir = "/usr/lib/python3/dist-packages/sklearn/datasets/data/";
  if (!std::ifstream(dir + "iris.csv")) GTEST_SKIP() << "python3-sklearn data not installed";
  CsvTable iris = load_csv(dir + "iris.csv");
  EXPECT_EQ(iris.x.sizes(), (std::vector<int64_t>{150, 4}));
  EXPECT_EQ(iris.class_names, (std::vector<std::string>{"setosa", "versicolor", "virginica"}));
  EXPECT_EQ(torch::bincount(iris.y).equal(torch::full({3}, 50, torch::kInt64)), true);
  CsvTable wine = load_csv(dir + "wine_data.csv");
  EXPECT_EQ(wine.x.sizes(), (std::vector<int64_t>{178, 13}));
  CsvTable digits = load_csv(dir + "digits.csv.gz");
  EXPECT_EQ(digits.x.sizes(), (std::vector<int64_t>{1797, 64}));
  EXPECT_EQ(digits.num_classes(), 10);
  CsvTable boston = load_csv(dir + "boston_house_prices.csv");
  EXPECT_EQ(boston.x.sizes(), (std::vector<int64_t>{506, 13}));
  EXPECT_EQ(boston.label_mode, "tertiles");
  torch::Tensor counts = torch::bincount(boston.y);
  EXPECT_EQ(counts.size(0), 3);
  EXPECT_GT(counts.min().item<int64_t>(), 150);  // ties at the cut points shift a few rows
}

}  // namespace
}  // namespace siamese
