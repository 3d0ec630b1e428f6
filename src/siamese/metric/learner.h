// Classical Mahalanobis metric learners on fixed feature vectors (Xing et al. 2002 MMC, Weinberger & Saul
// LMNN, and a Euclidean baseline).
//
// A learner maps labelled training rows to a MahalanobisModel (d^2(x, y) = ||L (x - y)||^2, M = L^T L).
// Learners that need pairwise side information (MMC) draw it from the labels as configured (see
// side_info.h); callers with explicit pairs use the solver functions of mmc.h directly.
//
// Requires: x [n, d] (any floating type; the maths runs in float64), y [n] int64 labels.
// Ensures:  fit() returns a model with L [r, d] float64; a solver that stops without meeting its
//           convergence test reports that in FitResult::status instead of throwing. Invalid inputs
//           (shapes, too few examples per class) throw DataError.
#pragma once

#include <torch/torch.h>

#include <limits>
#include <string>

#include "siamese/core/registry.h"
#include "siamese/distance/mahalanobis_model.h"

namespace siamese {

enum class FitStatus {
  kConverged,      // the solver's convergence test held
  kMaxIterations,  // stopped at the iteration limit; the model is the best iterate so far
  kStalled         // the step size or line search collapsed before the test held
};
const char* to_string(FitStatus s);

struct FitResult {
  MahalanobisModel model;
  FitStatus status = FitStatus::kConverged;
  int64_t iterations = 0;
  double objective = std::numeric_limits<double>::quiet_NaN();
  std::string message;  // human-readable detail (e.g. why it stopped)
};

class MetricLearner {
 public:
  virtual ~MetricLearner() = default;
  virtual FitResult fit(const torch::Tensor& x, const torch::Tensor& y) const = 0;
};

using MetricLearnerRegistry = Registry<MetricLearner>;
// euclidean, mmc, mmc-diag, lmnn (explicit table in metric/builtin.cpp).
const MetricLearnerRegistry& metric_learner_registry();

namespace detail {
// Validates x [n, d] and y [n] and returns x as contiguous float64 (user input: throws DataError).
torch::Tensor check_xy(const torch::Tensor& x, const torch::Tensor& y, const char* who);
}  // namespace detail

}  // namespace siamese
