// Verification of embeddings (the meters of eval/metrics.h applied to pairs of a labelled set).
//
// verify_embeddings: pairs of the test set (all pairs, or a seeded sample of max_pairs) scored with the
//   given distance; AUC, EER, TAR at FAR 1e-2 / 1e-3, and accuracy at the threshold that maximised
//   accuracy on pairs of the validation set (never chosen on test).
#pragma once

#include <nlohmann/json.hpp>

#include "siamese/data/dataset.h"
#include "siamese/distance/distance.h"

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

// Pair scores of embeddings (distance or similarity), for ROC plots.
torch::Tensor pair_scores(const torch::Tensor& emb, const torch::Tensor& first, const torch::Tensor& second,
                          const Distance& dist);

}  // namespace siamese
