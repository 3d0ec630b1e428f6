// Cosine-target loss of the original Siamese network, Bromley, Guyon, LeCun, Säckinger & Shah, "Signature
// Verification using a 'Siamese' Time Delay Neural Network", NIPS 1993 (docs/methods.md §3.3). Paper convention
// t = +1 genuine–genuine, -1 genuine–forgery (internally t = same ? +1 : -1):
//     L = ½ (c - t)²,    c = f1·f2 / (||f1|| ||f2||)   (the "joining neuron")
// The compared quantity is a similarity: the recipe's [distance], if any, must be one (cosine); by
// default cosine. Requires: pairs; ensures a finite gradient for zero embeddings (eps in the norms).
#pragma once

#include "siamese/loss/pair_loss.h"

namespace siamese {

// The similarity is registered as "similarity"; distance() hands it out, and pair_terms() gets c as `d`.
class CosineTargetLoss : public PairLoss {
 public:
  CosineTargetLoss(const std::string& reducer, std::shared_ptr<Distance> similarity);
  bool terms_can_vanish() const override { return false; }
  torch::Tensor pair_terms(const torch::Tensor& c, const torch::Tensor& same) const override;
};

LossRegistry::Entry cosine_target_entry();

}  // namespace siamese
