// Triplet margin loss in the common FaceNet form, Schroff, Kalenichenko & Philbin, "FaceNet: A Unified
// Embedding for Face Recognition and Clustering", CVPR 2015:
//     l = max(0, D(a, p) - D(a, n) + α),      D = ||f(a) - f(p)||² on L2-normalised f, α = 0.2
// `squared = false` uses the plain distance d instead of d² (the form of torch.nn.TripletMarginLoss);
// `normalize = false` skips the normalisation. Soft-margin variant (`soft = true`; Hermans, Beyer & Leibe,
// "In Defense of the Triplet Loss", 2017):  l = log(1 + exp(D(a, p) - D(a, n)))  (α is not used).
// d = the recipe's distance, default Euclidean. Requires: triplets.
#pragma once

#include "siamese/loss/triplet_loss.h"

namespace siamese {

struct TripletMarginOptions {
  double margin = 0.2;
  bool squared = true;
  bool normalize = true;
  bool soft = false;
  std::string reducer = "mean";
};

// distance() is d on L2-normalised embeddings (normalize = true) or d itself; `squared` squares it.
class TripletMarginLoss : public TripletLoss {
 public:
  TripletMarginLoss(const TripletMarginOptions& o, std::shared_ptr<Distance> distance);
  torch::Tensor triplet_terms(const torch::Tensor& d_ap, const torch::Tensor& d_an) const override;
  bool terms_can_vanish() const override { return !o_.soft; }

 private:
  TripletMarginOptions o_;
};

LossRegistry::Entry triplet_margin_entry();

}  // namespace siamese
