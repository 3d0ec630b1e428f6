// Cross-validated kNN accuracy of a metric learner: for each seeded stratified fold, fit on the training
// rows, map train and test rows through L and classify the test rows by k-NN against the training rows
// (knn_accuracy of eval/metrics.h: Euclidean after L, i.e. Mahalanobis with M = L^T L before it; exact
// neighbours, equal distances to the smaller training row; vote ties to the smallest summed distance).
// Fit time is wall-clock time of fit() alone.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "siamese/metric/learner.h"

namespace siamese {

struct FoldReport {
  int64_t fold = 0;
  int64_t train_size = 0, test_size = 0;
  double accuracy = 0;
  double fit_seconds = 0;
  int64_t iterations = 0;
  FitStatus status = FitStatus::kConverged;
  double objective = 0;
  std::string message;
};

struct CvReport {
  std::string method;
  int64_t folds = 0, k = 0;
  uint64_t seed = 0;
  std::vector<FoldReport> per_fold;
  double mean_accuracy = 0, std_accuracy = 0;  // std over folds (population)
  double mean_fit_seconds = 0, total_fit_seconds = 0;
  int64_t converged_folds = 0;
};

// Requires x [n, d], y [n]; folds in [2, n]; k at most the smallest training-fold size.
CvReport cross_validate_knn(const MetricLearner& learner, const std::string& method, const torch::Tensor& x,
                            const torch::Tensor& y, int64_t folds, int64_t k, uint64_t seed);

}  // namespace siamese
