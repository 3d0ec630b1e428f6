// Cross-validation folds: seeded stratified k-fold splits. (k-NN classification on the folds is
// knn_accuracy in eval/metrics.h, over any Distance; pass L-transformed rows and the Euclidean distance to
// evaluate a Mahalanobis metric.) User input (folds > n, ...) throws ConfigError.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace siamese {

struct Fold {
  torch::Tensor train;  // row indices [n_train] int64, sorted
  torch::Tensor test;   // row indices [n_test] int64, sorted
};
// Every row is in exactly one test set; each class is spread over the folds as evenly as possible.
// Requires 2 <= folds <= n.
std::vector<Fold> stratified_kfold(const torch::Tensor& y, int64_t folds, uint64_t seed);

}  // namespace siamese
