// `siamese eval`: the held-out evaluation of a trained run, written to <run>/report.json.
//
// verification: pairs of the test set (all pairs, or a seeded sample of eval.max_pairs) scored with the
//   evaluation distance; AUC, EER, TAR at FAR 1e-2 / 1e-3, and accuracy at the threshold that maximised
//   accuracy on pairs of the validation split (never chosen on test).
// knn: test embeddings classified by their k = 1 and k = 5 nearest training embeddings.
// retrieval: within the test set, precision@1, recall@1/5 and MAP@R; a query never counts itself.
#pragma once

#include <nlohmann/json.hpp>

#include "siamese/train/run.h"

namespace siamese {

// Everything above for an opened run; also writes <run>/report.json (atomically).
nlohmann::json evaluate_run(const OpenRun& run);

}  // namespace siamese
