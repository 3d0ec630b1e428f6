// Training diagnostics of sampling and mining, for metrics.jsonl, and a one-time collapse warning.
//
// batch_diagnostics(input, loss, row) adds to a metrics row, from a batch's input to the loss (embeddings
// detached; call it under torch::NoGradGuard) and the loss itself:
//   pos_dist, neg_dist   mean distance of the positive / negative pairs, in the LOSS's distance
//                        (loss.distance(); Euclidean when it has none); for a similarity: mean similarity
//   dist_gap             neg_dist − pos_dist (for a similarity pos − neg): > 0 when the classes separate
//   active_fraction      share of the loss's own per-element terms (Loss::terms) that are > 0: a pair or
//                        triplet still inside its hinge. For a smooth loss (ddml, energy_exp's impostor
//                        term, triplet_softmax, soft triplet_margin) every term is > 0 until it underflows,
//                        so the fraction is ~1 by construction there.
//   num_pairs / num_triplets, emb_norm (mean L2 norm), emb_spread (RMS distance to the batch centroid)
// Pairs are taken from input.pairs, else from input.triplets (a,p)/(a,n), else all pairs of input.labels;
// the loss's terms from the tuples it consumes, converted as the trainer converts them when the input has
// the other kind (triplets -> pairs, pairs -> triplets; labels only -> all pairs). A loss on labels only
// gets no active_fraction. Fields whose tuples are absent (no negative pair, say) are left out of the row.
// Nothing here trains: Loss::terms() never moves adaptive state (DeepID2's margin window).
//
// CollapseMonitor::check(row) looks at successive rows (that hold "iter", "loss" and the fields above) and
// returns a warning text (without a "warning:" prefix) exactly once, the first time either holds:
//   (a) all embeddings within ε of each other: emb_spread <= epsilon · max(1, emb_norm);
//   (b) the loss is stuck with everything active: active_fraction >= active_threshold on `patience`
//       successive rows whose losses all lie within loss_tolerance (relative) of the first of them.
#pragma once

#include <torch/torch.h>

#include <deque>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "siamese/distance/distance.h"
#include "siamese/loss/loss.h"

namespace siamese {

void batch_diagnostics(const LossInput& detached_input, Loss& loss, nlohmann::json& row);

struct CollapseOptions {
  double epsilon = 1e-3;          // (a): relative spread below which the embeddings count as one point
  double active_threshold = 0.99; // (b): share of active tuples that counts as "everything active"
  int64_t patience = 5;           // (b): successive rows
  double loss_tolerance = 0.01;   // (b): relative change of the loss that counts as "stuck"
  bool check_stuck = true;        // (b) on; off for a loss whose terms never vanish (always "all active")
};

class CollapseMonitor {
 public:
  explicit CollapseMonitor(CollapseOptions o = {}) : o_(o) {}
  // The warning (with a suggestion) the first time a collapse shows; nullopt otherwise and ever after.
  std::optional<std::string> check(const nlohmann::json& row);
  bool fired() const { return fired_; }

 private:
  CollapseOptions o_;
  bool fired_ = false;
  std::deque<double> stuck_losses_;
};

}  // namespace siamese
