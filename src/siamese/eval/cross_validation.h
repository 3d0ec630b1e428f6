// Cross-validation folds and k-nearest-neighbour classification on fixed features:
//  * seeded stratified k-fold splits;
//  * k-NN prediction and accuracy (Euclidean on the given rows; pass L-transformed rows to evaluate a
//    Mahalanobis metric).
// User input (k > class sizes, folds > n, ...) throws ConfigError / DataError.
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

// Majority label among the k nearest training rows (Euclidean); a tie goes to the tied class with the
// nearest member. train_x [m, d], train_y [m], test_x [q, d] -> [q] int64. Requires 1 <= k <= m.
torch::Tensor knn_predict(const torch::Tensor& train_x, const torch::Tensor& train_y, const torch::Tensor& test_x,
                          int64_t k);
double knn_accuracy(const torch::Tensor& train_x, const torch::Tensor& train_y, const torch::Tensor& test_x,
                    const torch::Tensor& test_y, int64_t k);

}  // namespace siamese
