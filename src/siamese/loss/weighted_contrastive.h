// Weighted contrastive loss, Carlevaris-Bianco & Eustice, "Learning visual feature descriptors for dynamic
// lighting conditions", IROS 2014 (docs/methods.md §6.1; the non-matching term as the report prints it,
// margin on d², not DrLIM's squared hinge, §0.6.8). Paper convention: (i, j) matching or non-matching;
// internally `same` = matching.
//     l_ij = s_ij · d_ij²              matching pairs (s_ij: per-pair weight from the data, Pairs::weight,
//                                      1 where the data gives none)
//     l_ij = max(m - d_ij², 0)         non-matching pairs (margin on d², a plain hinge; the paper's m = 1)
// d = the recipe's distance, by default Euclidean (unsquared; the loss squares it). Default reducer
// "caffe" = (1/2N) Σ l_ij, the normalisation of the 2014 Caffe layer the authors wrote (so with s = 1 the
// value equals contrastive_legacy's). Requires: pairs; ensures no singularity at d = 0 (only d² is used).
#pragma once

#include "siamese/loss/loss.h"

namespace siamese {

class WeightedContrastiveLoss : public Loss {
 public:
  WeightedContrastiveLoss(double margin, std::string reducer, std::shared_ptr<Distance> distance);
  torch::Tensor forward(const LossInput& in) override;
  TupleKind consumes() const override { return TupleKind::kPairs; }
  std::shared_ptr<Distance> distance() const override { return distance_; }
  // Per-pair terms l_ij before the reducer.
  torch::Tensor terms(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& same,
                      const torch::Tensor& weight) const;

 private:
  double margin_;
  std::string reducer_;
  std::shared_ptr<Distance> distance_;
};

LossRegistry::Entry weighted_contrastive_entry();

}  // namespace siamese
