// Joint identification-verification loss, Sun, Chen, Wang & Tang, "Deep Learning Face Representation by
// Joint Identification-Verification", NIPS 2014 — DeepID2 (docs/methods.md §10.1, double minus fixed §0.6.4).
//     L = Ident + λ · Verif
//     Ident = -log p̂_t,  p̂ = softmax(W_id f + b_id)   (mean over the batch's images; the classifier is the
//             module "classifier" of this loss, num_classes × embedding_dim from the LossContext)
// Verif, paper convention y_ij = +1 same identity, -1 different (internally y = same ? +1 : -1), mean over pairs:
//   form = "l2" (the paper's main form):
//     ½ ||f_i - f_j||²            y = +1
//     ½ max(0, m - ||f_i - f_j||)² y = -1
//     m is not trained: every `margin_every` pairs seen in training mode it is re-set to the distance
//     threshold that minimised the verification error on those pairs (ties: the smallest threshold). m lives
//     in the buffer "margin"; the window of pairs seen since the last re-set is saved beside it (keys
//     "window_d", "window_same"), so a resumed run re-sets m at the same pair. In eval() mode m is frozen.
//   form = "cosine": ½ (y01 - σ(w·cos(f_i, f_j) + b))², y01 = (y + 1)/2 ∈ {0, 1} (the 0/1 target is an
//     interpretation: σ cannot reach -1, §0.6.6); w ("verif_w", starts at 1) and b ("verif_b", starts at 0)
//     are learned.
// The paper's per-pair objective is Ident_i + Ident_j + λ·Verif_ij; with in-batch pairs this loss averages
// Ident over images and Verif over pairs. As a PairLoss its per-element terms (terms()) are the per-pair Verif
// terms, reduced by "mean"; forward() adds Ident and re-sets m. Requires: pairs and class labels in [0, num_classes)
// (LossInput::labels); num_classes > 0 and embedding_dim > 0 in the LossContext.
#pragma once

#include <vector>

#include "siamese/loss/pair_loss.h"

namespace siamese {

struct DeepId2Options {
  double lambda = 0.05;
  std::string form = "l2";        // "l2" or "cosine"
  double margin = 1.0;            // initial m (l2 form)
  int64_t margin_every = 200000;  // re-set m every this many training pairs (0 = never)
};

class DeepId2Loss : public PairLoss {
 public:
  DeepId2Loss(const DeepId2Options& o, int64_t embedding_dim, int64_t num_classes, std::shared_ptr<Distance> distance);
  torch::Tensor forward(const LossInput& in) override;
  torch::Tensor identification(const torch::Tensor& embeddings, const torch::Tensor& labels);
  // Per-pair verification terms from d (l2 form: the distance; cosine form: the similarity), before the mean.
  torch::Tensor pair_terms(const torch::Tensor& d, const torch::Tensor& same) const override;
  double margin() const { return margin_.item<double>(); }
  int64_t window_size() const { return static_cast<int64_t>(window_d_.size()); }
  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;  // a checkpoint without the window: empty
  // The threshold t minimising #(same with d > t) + #(different with d <= t); exposed for tests.
  static double best_threshold(const torch::Tensor& d, const torch::Tensor& same);

 private:
  void observe(const torch::Tensor& d, const torch::Tensor& same);
  DeepId2Options o_;
  int64_t num_classes_;
  torch::nn::Linear classifier_{nullptr};
  torch::Tensor margin_;             // buffer (l2 form)
  torch::Tensor verif_w_, verif_b_;  // parameters (cosine form)
  std::vector<double> window_d_;  // distances of the pairs seen since the last re-set
  std::vector<uint8_t> window_same_;
};

LossRegistry::Entry deepid2_entry();

}  // namespace siamese
