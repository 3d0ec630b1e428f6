// Evaluation for classical metric learning on fixed features:
//  * seeded stratified k-fold splits and k-nearest-neighbour accuracy (Euclidean on the given rows; pass
//    L-transformed rows to evaluate a Mahalanobis metric);
//  * K-means and constrained K-means (each connected component of the similar-pair graph is forced into one
//    cluster and assigned, as a whole, to the centroid minimising its summed squared distance; Xing et al.
//    2002 / Wagstaff et al. 2001), best of several k-means++ restarts;
//  * Xing et al.'s pairwise clustering accuracy
//        acc = mean over pairs i < j of 1{ 1{c_i = c_j} = 1{c^_i = c^_j} },
//    and its balanced form (same-class and different-class pairs weigh 50 % each), which the paper uses
//    for more than two clusters.
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

struct KMeansOptions {
  int64_t restarts = 20;
  int64_t max_iter = 300;
  uint64_t seed = 0;
};
// Cluster ids [n] int64 in 0..clusters-1 of the lowest-inertia restart.
torch::Tensor kmeans(const torch::Tensor& x, int64_t clusters, const KMeansOptions& opt = {});
// As kmeans, with every connected component of the graph with edges `similar` [p, 2] kept together.
torch::Tensor constrained_kmeans(const torch::Tensor& x, int64_t clusters, const torch::Tensor& similar,
                                 const KMeansOptions& opt = {});

double pairwise_clustering_accuracy(const torch::Tensor& truth, const torch::Tensor& found, bool balanced = false);

}  // namespace siamese
