// Cosine-target loss of the original Siamese network, Bromley, Guyon, LeCun, Säckinger & Shah, "Signature
// Verification using a 'Siamese' Time Delay Neural Network", NIPS 1993 (docs/methods.md §3.3). Paper convention
// t = +1 genuine–genuine, -1 genuine–forgery (internally t = same ? +1 : -1):
//     L = ½ (c - t)²,    c = f1·f2 / (||f1|| ||f2||)   (the "joining neuron")
// The compared quantity is a similarity: the recipe's [distance], if any, must be one (cosine); by
// default cosine. Requires: pairs; ensures a finite gradient for zero embeddings (eps in the norms).
#pragma once

#include "siamese/loss/loss.h"

namespace siamese {

class CosineTargetLoss : public Loss {
 public:
  CosineTargetLoss(std::string reducer, std::shared_ptr<Distance> similarity);
  torch::Tensor forward(const LossInput& in) override;
  TupleKind consumes() const override { return TupleKind::kPairs; }
  std::shared_ptr<Distance> distance() const override { return similarity_; }
  torch::Tensor terms(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& same) const;

 private:
  std::string reducer_;
  std::shared_ptr<Distance> similarity_;
};

LossRegistry::Entry cosine_target_entry();

}  // namespace siamese
