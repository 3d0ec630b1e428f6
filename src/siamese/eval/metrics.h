// Evaluation meters: verification (ROC, AUC, EER, TAR@FAR, best-threshold accuracy), kNN accuracy,
// retrieval (P@1, recall@k, MAP@R), verification pair sampling and NMI.
//
// Inputs are CPU tensors; every quantity is computed in float64 (embeddings are compared by the given
// Distance in their own dtype, and its output is then converted to float64).
//
// Score convention of the verification meters. `scores` is [P] (any floating dtype), `same` is [P] bool
// (true = genuine pair, same identity). `higher_is_same` says which way the score points: true for
// similarities (cosine, classifier probability), false for distances. A pair is ACCEPTED as "same" at a
// threshold t when
//     higher_is_same:   score >= t          !higher_is_same:   score <= t
// so a threshold equal to a score accepts that score. All thresholds returned are in the units of
// `scores`. TAR (true accept rate) = TPR = accepted genuine / genuine; FAR (false accept rate) = FPR =
// accepted impostor / impostor; FRR (false reject rate) = 1 - TAR.
//
// Errors: malformed shapes or dtypes, non-finite scores, and an empty genuine or impostor class throw
// DataError; out-of-range parameters (far outside [0, 1], k < 1, max_pairs < 1) throw ConfigError.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "siamese/distance/distance.h"

namespace siamese {

// ROC curve over every distinct score. Point 0 is (0, 0) at an infinite threshold (nothing accepted,
// +inf when higher_is_same, -inf otherwise); point i > 0 accepts every score at least as "same" as the
// i-th distinct score, which is thresholds[i]; the last point is (1, 1). Tied scores form one step, so
// fpr and tpr move together across ties. fpr and tpr are non-decreasing.
struct RocCurve {
  std::vector<double> fpr, tpr, thresholds;
};
RocCurve roc_curve(const torch::Tensor& scores, const torch::Tensor& same, bool higher_is_same);

// Area under the ROC curve, exact: the Mann-Whitney U statistic with average ranks, i.e. the
// probability that a random genuine pair scores more "same" than a random impostor pair, ties counting
// 1/2. Perfect separation -> 1, reversed -> 0, all scores tied -> 0.5.
double roc_auc(const torch::Tensor& scores, const torch::Tensor& same, bool higher_is_same);

// Equal error rate. Walking the ROC points in order, FAR rises from 0 to 1 and FRR falls from 1 to 0;
// let i be the first point with FAR_i >= FRR_i. The EER is where FAR = FRR on the straight segment from
// point i-1 to point i: with d = FAR - FRR, alpha = -d_{i-1} / (d_i - d_{i-1}),
//     eer = FAR_{i-1} + alpha (FAR_i - FAR_{i-1})   (= FRR at the same alpha),
//     threshold = thresholds_{i-1} + alpha (thresholds_i - thresholds_{i-1}),
// except that threshold = thresholds_i when alpha == 1 or thresholds_{i-1} is the infinite one.
// Perfect separation gives eer 0 at the least "same" genuine score.
struct Eer {
  double eer;
  double threshold;
};
Eer equal_error_rate(const torch::Tensor& scores, const torch::Tensor& same, bool higher_is_same);

// The largest TAR over the ROC points whose FAR <= far (the threshold is chosen on these same data).
// Requires 0 <= far <= 1. Returns 0 when even the strictest non-trivial threshold exceeds far.
double tar_at_far(const torch::Tensor& scores, const torch::Tensor& same, bool higher_is_same,
                  double far);

// The threshold that maximises verification accuracy (correct decisions / all pairs) on these data.
// Candidates are the midpoints between adjacent distinct scores, plus one beyond each end (the extreme
// score moved by 1 unit outwards: accept nothing / accept everything). Among equally accurate
// candidates the strictest one (fewest accepted pairs) wins.
struct ThresholdChoice {
  double threshold;
  double accuracy;
};
ThresholdChoice best_threshold(const torch::Tensor& scores, const torch::Tensor& same,
                               bool higher_is_same);

// Accuracy of the decisions made with a threshold chosen elsewhere (e.g. on a validation split).
// Requires at least one pair (either class may be empty here).
double accuracy_at(const torch::Tensor& scores, const torch::Tensor& same, bool higher_is_same,
                   double threshold);

// k-nearest-neighbour classification of queries against a labelled reference set.
//   query_emb [nq, d], query_labels [nq] integer, ref_emb [nr, d], ref_labels [nr] integer.
// The neighbours are those of the exact search (index/exact.h): the k nearest references under `dist`
// (larger = nearer when dist.is_similarity()); equal distances at the k-th place go to the smaller
// reference row. Each query takes the majority label of its k neighbours. Vote ties are broken by the
// smallest summed distance of the tied labels' voters (largest summed similarity), then by the label of the
// nearest voter among them. With exclude_self (requires the query set to BE the reference set, nq == nr,
// row i == row i), query i never counts reference i: leave-one-out. Memory is bounded by the search's
// block budget (64 MiB of distances). Requires 1 <= k <= nr (nr - 1 with exclude_self).
// knn_predict returns the predicted labels [nq] int64; knn_accuracy the fraction of correct queries.
torch::Tensor knn_predict(const torch::Tensor& query_emb, const torch::Tensor& ref_emb,
                          const torch::Tensor& ref_labels, int64_t k, const Distance& dist,
                          bool exclude_self = false);
double knn_accuracy(const torch::Tensor& query_emb, const torch::Tensor& query_labels,
                    const torch::Tensor& ref_emb, const torch::Tensor& ref_labels, int64_t k,
                    const Distance& dist, bool exclude_self = false);

// Retrieval metrics with queries = references = the same set, where a query NEVER retrieves itself.
// For query q of class c, let R = (number of items of class c) - 1 and rank the other n - 1 items by
// distance with the exact search (index/exact.h; equal distances: the smaller row first).
//   precision_at_1: fraction of queries whose nearest other item has class c.
//   recall_at_k(k): fraction of queries with at least one class-c item among their k nearest others.
//   map_at_r: MAP@R of Musgrave, Belongie & Lim, "A Metric Learning Reality Check" (ECCV 2020):
//             mean over queries of (1/R) sum_{i=1..R} P(i) rel(i), P(i) = precision of the first i.
// Queries whose class has no other member (R == 0) are skipped by every metric; num_queries counts the
// queries that were used. DataError when no query is usable.
struct RetrievalMetrics {
  double precision_at_1 = 0;
  double map_at_r = 0;
  std::vector<int64_t> ks;      // the recall_ks asked for, in the order given
  std::vector<double> recall;   // recall[i] = recall@ks[i]
  int64_t num_queries = 0;      // queries used (those with R >= 1)
  int64_t num_skipped = 0;      // queries whose class has a single member

  // Throws ConfigError when k was not among the recall_ks computed.
  double recall_at_k(int64_t k) const;
};
RetrievalMetrics retrieval_metrics(const torch::Tensor& emb, const torch::Tensor& labels,
                                   const Distance& dist, std::vector<int64_t> recall_ks = {1, 5});

// Pairs for verification from a labelled set of N items: first [M] int64, second [M] int64 with
// first < second, same [M] bool = labels[first] == labels[second].
// When N (N - 1) / 2 <= max_pairs: every pair i < j, in lexicographic order. Otherwise max_pairs
// distinct pairs drawn uniformly without replacement (from std::mt19937_64 seeded with `seed`, so the
// result depends on the seed only), in lexicographic order. Requires N >= 2 and max_pairs >= 1.
struct PairSample {
  torch::Tensor first, second, same;
};
PairSample verification_pairs(const torch::Tensor& labels, int64_t max_pairs, uint64_t seed);

// Normalised mutual information between a labelling and a clustering of the same N items, arithmetic
// mean normalisation: NMI = I(U; V) / ((H(U) + H(V)) / 2), natural logarithms. 1 for identical
// partitions (up to renaming), and 1 when both are a single group; 0 when one is a single group and the
// other is not. Both inputs are [N] integer tensors, N >= 1.
double nmi(const torch::Tensor& labels, const torch::Tensor& cluster_ids);

}  // namespace siamese
