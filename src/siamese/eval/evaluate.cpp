#include "siamese/eval/evaluate.h"

#include <chrono>

#include "siamese/core/error.h"
#include "siamese/core/fs.h"
#include "siamese/eval/metrics.h"
#include "siamese/model/data_parallel.h"

namespace siamese {

torch::Tensor pair_scores(const torch::Tensor& emb, const torch::Tensor& first, const torch::Tensor& second,
                          const Distance& dist) {
  torch::NoGradGuard g;
  std::vector<torch::Tensor> parts;
  const int64_t block = 65536;
  for (int64_t s = 0; s < first.size(0); s += block)
    parts.push_back(dist.paired(emb.index_select(0, first.slice(0, s, s + block)),
                                emb.index_select(0, second.slice(0, s, s + block))));
  return parts.empty() ? torch::empty({0}) : torch::cat(parts);
}

VerificationResult verify_embeddings(const torch::Tensor& test_emb, const torch::Tensor& test_labels,
                                     const torch::Tensor& val_emb, const torch::Tensor& val_labels,
                                     const Distance& dist, int64_t max_pairs, uint64_t seed) {
  VerificationResult r;
  const bool hi = dist.is_similarity();
  auto tp = verification_pairs(test_labels, max_pairs, seed);
  auto ts = pair_scores(test_emb, tp.first, tp.second, dist);
  r.pairs = tp.first.size(0);
  r.same_pairs = tp.same.sum().item<int64_t>();
  SIAMESE_CHECK(r.same_pairs > 0 && r.same_pairs < r.pairs, DataError,
                "verification needs both same and different pairs in the test split");
  r.auc = roc_auc(ts, tp.same, hi);
  auto e = equal_error_rate(ts, tp.same, hi);
  r.eer = e.eer;
  r.eer_threshold = e.threshold;
  r.tar_far_1e2 = tar_at_far(ts, tp.same, hi, 1e-2);
  r.tar_far_1e3 = tar_at_far(ts, tp.same, hi, 1e-3);
  bool val_ok = val_emb.defined() && val_emb.size(0) > 2;
  if (val_ok) {
    auto vp = verification_pairs(val_labels, max_pairs, seed + 1);
    const int64_t vs = vp.same.sum().item<int64_t>();
    val_ok = vs > 0 && vs < vp.first.size(0);
    if (val_ok) {
      r.threshold = best_threshold(pair_scores(val_emb, vp.first, vp.second, dist), vp.same, hi).threshold;
      r.threshold_from = "val";
    }
  }
  if (!val_ok) {
    r.threshold = best_threshold(ts, tp.same, hi).threshold;
    r.threshold_from = "test";
  }
  r.accuracy = accuracy_at(ts, tp.same, hi, r.threshold);
  return r;
}

}  // namespace siamese
