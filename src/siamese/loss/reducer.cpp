#include "siamese/core/error.h"
#include "siamese/loss/loss.h"

namespace siamese {

torch::Tensor reduce_terms(const torch::Tensor& terms, const std::string& reducer) {
  if (terms.numel() == 0) return torch::zeros({}, terms.options()).requires_grad_(terms.requires_grad());
  if (reducer == "mean") return terms.mean();
  if (reducer == "sum") return terms.sum();
  if (reducer == "caffe") return terms.sum() / (2.0 * static_cast<double>(terms.numel()));
  if (reducer == "nonzero_mean") {
    auto active = (terms > 0).sum();
    return terms.sum() / active.clamp_min(1).to(terms.scalar_type());
  }
  throw ConfigError(str("unknown reducer '", reducer, "' (known: mean, sum, nonzero_mean, caffe)"));
}

ParamSpec reducer_param(const std::string& def) {
  return text("reducer", def,
              "how per-element terms become the loss: mean, sum, nonzero_mean (mean over terms > 0), "
              "caffe (sum / 2N)")
      .one_of({"mean", "sum", "nonzero_mean", "caffe"});
}

}  // namespace siamese
