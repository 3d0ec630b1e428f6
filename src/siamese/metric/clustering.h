// Clustering for the evaluation of classical metric learning (Xing et al., NIPS 2002):
//  * K-means and constrained K-means (each connected component of the similar-pair graph is forced into one
//    cluster and assigned, as a whole, to the centroid minimising its summed squared distance; Xing et al.
//    2002 / Wagstaff et al. 2001), best of several k-means++ restarts;
//  * Xing et al.'s pairwise clustering accuracy
//        acc = mean over pairs i < j of 1{ 1{c_i = c_j} = 1{c^_i = c^_j} },
//    and its balanced form (same-class and different-class pairs weigh 50 % each), which the paper uses
//    for more than two clusters.
// Euclidean on the given rows: pass L-transformed rows to cluster under a Mahalanobis metric.
// User input (clusters > n, ...) throws ConfigError / DataError.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace siamese {

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
