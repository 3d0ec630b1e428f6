#include "siamese/loss/common.h"

#include "siamese/core/error.h"

namespace siamese {

PairRows gather_pairs(const LossInput& in, const std::string& loss) {
  SIAMESE_CHECK(in.pairs.has_value(), ConfigError, "the '", loss, "' loss needs pairs (LossInput::pairs)");
  SIAMESE_CHECK(in.embeddings.defined() && in.embeddings.dim() == 2, ConfigError, "the '", loss,
                "' loss needs embeddings [B, d]");
  const Pairs& p = *in.pairs;
  PairRows r;
  if (p.size() == 0) {
    r.a = r.b = in.embeddings.slice(0, 0, 0);
    r.same = torch::zeros({0}, torch::kBool);
    r.weight = torch::ones({0}, in.embeddings.options());
    return r;
  }
  r.a = in.embeddings.index_select(0, p.first);
  r.b = in.embeddings.index_select(0, p.second);
  r.same = p.same.to(torch::kBool);
  r.weight = p.weight.defined() ? p.weight.to(in.embeddings.scalar_type()) : torch::ones({p.size()}, in.embeddings.options());
  return r;
}

TripletRows gather_triplets(const LossInput& in, const std::string& loss) {
  SIAMESE_CHECK(in.triplets.has_value(), ConfigError, "the '", loss, "' loss needs triplets (LossInput::triplets)");
  SIAMESE_CHECK(in.embeddings.defined() && in.embeddings.dim() == 2, ConfigError, "the '", loss,
                "' loss needs embeddings [B, d]");
  const Triplets& t = *in.triplets;
  if (t.size() == 0) {
    auto e = in.embeddings.slice(0, 0, 0);
    return {e, e, e};
  }
  return {in.embeddings.index_select(0, t.anchor), in.embeddings.index_select(0, t.positive),
          in.embeddings.index_select(0, t.negative)};
}

std::shared_ptr<Distance> distance_or(const LossContext& ctx, const std::string& def, const std::string& loss) {
  if (!ctx.distance) return make_distance(def, ctx.embedding_dim);
  SIAMESE_CHECK(!ctx.distance->is_similarity(), ConfigError, "the '", loss,
                "' loss needs a distance, not the similarity '", ctx.distance->name(), "'");
  return ctx.distance;
}

torch::Tensor l2_normalize(const torch::Tensor& x, double eps) {
  return x / (x.pow(2).sum(-1, true) + eps).sqrt();
}

NormalizedDistance::NormalizedDistance(std::shared_ptr<Distance> inner) : inner_(std::move(inner)) {
  register_module("inner", inner_);
  set_name(inner_->name().empty() ? "normalized" : "normalized " + inner_->name());
}

torch::Tensor NormalizedDistance::pairwise(const torch::Tensor& q, const torch::Tensor& r) const {
  return inner_->pairwise(l2_normalize(q), l2_normalize(r));
}

torch::Tensor NormalizedDistance::paired(const torch::Tensor& a, const torch::Tensor& b) const {
  return inner_->paired(l2_normalize(a), l2_normalize(b));
}

}  // namespace siamese
