#include "siamese/metric/evaluation.h"

#include <chrono>
#include <cmath>

#include "siamese/distance/euclidean.h"
#include "siamese/eval/cross_validation.h"
#include "siamese/eval/metrics.h"

namespace siamese {

CvReport cross_validate_knn(const MetricLearner& learner, const std::string& method, const torch::Tensor& x,
                            const torch::Tensor& y, int64_t folds, int64_t k, uint64_t seed) {
  torch::Tensor xd = detail::check_xy(x, y, method.c_str());
  torch::Tensor yl = y.to(torch::kInt64);
  CvReport rep;
  rep.method = method;
  rep.folds = folds;
  rep.k = k;
  rep.seed = seed;
  // Euclidean after L, exactly (no eps under the root); the neighbours come from the exact search.
  const auto euclidean = std::make_shared<EuclideanDistance>(0.0);
  euclidean->set_name("euclidean");
  int64_t f = 0;
  for (const Fold& fold : stratified_kfold(yl, folds, seed)) {
    torch::Tensor xtr = xd.index_select(0, fold.train), ytr = yl.index_select(0, fold.train);
    torch::Tensor xte = xd.index_select(0, fold.test), yte = yl.index_select(0, fold.test);
    auto start = std::chrono::steady_clock::now();
    FitResult fit = learner.fit(xtr, ytr);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    FoldReport fr;
    fr.fold = f++;
    fr.train_size = xtr.size(0);
    fr.test_size = xte.size(0);
    fr.accuracy = knn_accuracy(fit.model.transform(xte), yte, fit.model.transform(xtr), ytr, k, *euclidean);
    fr.fit_seconds = seconds;
    fr.iterations = fit.iterations;
    fr.status = fit.status;
    fr.objective = fit.objective;
    fr.message = fit.message;
    rep.per_fold.push_back(fr);
  }
  double n = static_cast<double>(rep.per_fold.size());
  for (const auto& fr : rep.per_fold) {
    rep.mean_accuracy += fr.accuracy / n;
    rep.total_fit_seconds += fr.fit_seconds;
    rep.converged_folds += fr.status == FitStatus::kConverged;
  }
  for (const auto& fr : rep.per_fold) rep.std_accuracy += (fr.accuracy - rep.mean_accuracy) * (fr.accuracy - rep.mean_accuracy) / n;
  rep.std_accuracy = std::sqrt(rep.std_accuracy);
  rep.mean_fit_seconds = rep.total_fit_seconds / n;
  return rep;
}

}  // namespace siamese
