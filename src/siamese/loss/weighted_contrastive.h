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

#include "siamese/loss/pair_loss.h"

namespace siamese {

class WeightedContrastiveLoss : public PairLoss {
 public:
  WeightedContrastiveLoss(double margin, const std::string& reducer, std::shared_ptr<Distance> distance);
  // l_ij with s_ij = weight (the data's; the base passes 1 where it has none).
  torch::Tensor weighted_pair_terms(const torch::Tensor& d, const torch::Tensor& same,
                                    const torch::Tensor& weight) const override;
  // l_ij with s_ij = 1.
  torch::Tensor pair_terms(const torch::Tensor& d, const torch::Tensor& same) const override;

 private:
  double margin_;
};

LossRegistry::Entry weighted_contrastive_entry();

}  // namespace siamese
