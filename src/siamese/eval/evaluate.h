// `siamese eval`: the held-out evaluation of a trained run, written to report.json.
//
// verification: pairs of the test set (all pairs, or a seeded sample of eval.max_pairs) scored with the
//   evaluation distance; AUC, EER, TAR at FAR 1e-2 / 1e-3, and accuracy at the threshold that maximised
//   accuracy on pairs of the validation split (never chosen on test).
// knn: test embeddings classified by their k = 1 and k = 5 nearest training embeddings.
// retrieval: within the test set, precision@1, recall@1/5 and MAP@R; a query never counts itself.
#pragma once

#include <nlohmann/json.hpp>

#include "siamese/data/dataset.h"
#include "siamese/distance/distance.h"
#include "siamese/train/run.h"

namespace siamese {

struct VerificationResult {
  double auc = 0, eer = 0, eer_threshold = 0, accuracy = 0, threshold = 0, tar_far_1e2 = 0, tar_far_1e3 = 0;
  int64_t pairs = 0, same_pairs = 0;
  std::string threshold_from;  // "val" or "test" (when the run has no validation split)
};

// Verification on `test` pairs with a threshold chosen on `val` pairs (val may be empty).
VerificationResult verify_embeddings(const torch::Tensor& test_emb, const torch::Tensor& test_labels,
                                     const torch::Tensor& val_emb, const torch::Tensor& val_labels,
                                     const Distance& dist, int64_t max_pairs, uint64_t seed);

// Everything above for a run; also writes <run>/report.json.
nlohmann::json evaluate_run(const OpenRun& run);

// Pair scores of embeddings (distance or similarity), for ROC plots.
torch::Tensor pair_scores(const torch::Tensor& emb, const torch::Tensor& first, const torch::Tensor& second,
                          const Distance& dist);

}  // namespace siamese
