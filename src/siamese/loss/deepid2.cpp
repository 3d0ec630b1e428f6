#include "siamese/loss/deepid2.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "siamese/core/error.h"
#include "siamese/loss/common.h"

namespace siamese {

DeepId2Loss::DeepId2Loss(const DeepId2Options& o, int64_t embedding_dim, int64_t num_classes,
                         std::shared_ptr<Distance> distance)
    : PairLoss("mean", std::move(distance)), o_(o), num_classes_(num_classes) {
  SIAMESE_CHECK(num_classes > 0 && embedding_dim > 0, ConfigError,
                "the 'deepid2' loss needs the number of training classes and the embedding width (got ", num_classes,
                " classes, width ", embedding_dim, ")");
  classifier_ = register_module("classifier", torch::nn::Linear(embedding_dim, num_classes));
  margin_ = register_buffer("margin", torch::tensor(o.margin, torch::kDouble));
  if (o_.form == "cosine") {
    verif_w_ = register_parameter("verif_w", torch::ones({}, torch::kFloat));
    verif_b_ = register_parameter("verif_b", torch::zeros({}, torch::kFloat));
  }
}

torch::Tensor DeepId2Loss::identification(const torch::Tensor& embeddings, const torch::Tensor& labels) {
  return torch::nn::functional::cross_entropy(classifier_->forward(embeddings), labels);
}

torch::Tensor DeepId2Loss::pair_terms(const torch::Tensor& d, const torch::Tensor& same) const {
  if (o_.form == "cosine") {
    auto y01 = same.to(d.scalar_type());
    auto s = torch::sigmoid(verif_w_.to(d.scalar_type()) * d + verif_b_.to(d.scalar_type()));
    return 0.5 * (y01 - s).pow(2);
  }
  const double m = margin_.item<double>();
  return torch::where(same, 0.5 * d.pow(2), 0.5 * torch::clamp_min(m - d, 0).pow(2));
}

namespace {
double best_threshold_of(const std::vector<double>& d, const std::vector<uint8_t>& same) {
  const size_t n = d.size();
  SIAMESE_ASSERT(n > 0 && same.size() == n);
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return d[x] < d[y]; });
  // Threshold below every distance: every same pair is an error.
  int64_t errors = 0;
  for (size_t k = 0; k < n; ++k) errors += same[k] ? 1 : 0;
  int64_t best = errors;
  double best_t = d[order[0]];
  for (size_t k = 0; k < n;) {
    // Raise the threshold to the next distance (ties move together): those pairs are now predicted "same".
    const double t = d[order[k]];
    for (; k < n && d[order[k]] == t; ++k) errors += same[order[k]] ? -1 : 1;
    if (errors < best) best = errors, best_t = t;
  }
  return best_t;
}
}  // namespace

double DeepId2Loss::best_threshold(const torch::Tensor& d, const torch::Tensor& same) {
  auto dd = d.detach().to(torch::kDouble).contiguous().cpu();
  auto ss = same.to(torch::kBool).contiguous().cpu();
  std::vector<double> dv(dd.data_ptr<double>(), dd.data_ptr<double>() + dd.numel());
  std::vector<uint8_t> sv(static_cast<size_t>(ss.numel()));
  for (size_t k = 0; k < sv.size(); ++k) sv[k] = ss.data_ptr<bool>()[k] ? 1 : 0;
  return best_threshold_of(dv, sv);
}

void DeepId2Loss::observe(const torch::Tensor& d, const torch::Tensor& same) {
  if (o_.margin_every <= 0 || o_.form != "l2") return;
  auto dd = d.detach().to(torch::kDouble).contiguous().cpu();
  auto ss = same.to(torch::kBool).contiguous().cpu();
  const double* dp = dd.data_ptr<double>();
  const bool* sp = ss.data_ptr<bool>();
  for (int64_t k = 0; k < dd.numel(); ++k) {
    window_d_.push_back(dp[k]);
    window_same_.push_back(sp[k] ? 1 : 0);
    if (static_cast<int64_t>(window_d_.size()) == o_.margin_every) {
      const double t = best_threshold_of(window_d_, window_same_);
      if (t > 0) margin_.fill_(t);
      window_d_.clear();
      window_same_.clear();
    }
  }
}

void DeepId2Loss::save(torch::serialize::OutputArchive& archive) const {
  Loss::save(archive);
  archive.write("window_d", torch::tensor(window_d_, torch::kDouble));
  std::vector<int64_t> same(window_same_.begin(), window_same_.end());
  archive.write("window_same", torch::tensor(same, torch::kLong));
}

void DeepId2Loss::load(torch::serialize::InputArchive& archive) {
  Loss::load(archive);
  window_d_.clear();
  window_same_.clear();
  torch::Tensor d, same;
  if (!archive.try_read("window_d", d) || !archive.try_read("window_same", same)) return;
  SIAMESE_CHECK(d.dim() == 1 && same.dim() == 1 && d.numel() == same.numel(), DataError,
                "deepid2: corrupt margin window in the checkpoint (", d.numel(), " distances, ", same.numel(), " labels)");
  d = d.to(torch::kDouble).contiguous();
  same = same.to(torch::kLong).contiguous();
  window_d_.assign(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
  for (int64_t k = 0; k < same.numel(); ++k) window_same_.push_back(same.data_ptr<int64_t>()[k] ? 1 : 0);
}

torch::Tensor DeepId2Loss::forward(const LossInput& in) {
  SIAMESE_CHECK(in.labels.defined() && in.labels.numel() == in.embeddings.size(0), ConfigError,
                "the 'deepid2' loss needs a class label for every embedding (LossInput::labels)");
  auto labels = in.labels.to(torch::kLong);
  SIAMESE_CHECK(labels.numel() == 0 || (labels.min().item<int64_t>() >= 0 && labels.max().item<int64_t>() < num_classes_),
                DataError, "deepid2: class labels must lie in [0, ", num_classes_, ")");
  auto p = pair_distances(in);
  auto ident = identification(in.embeddings, labels);
  auto verif = pair_terms(p.d, p.same);
  auto total = ident + o_.lambda * reducer().reduce(verif, p.same);
  if (is_training() && p.same.numel() > 0) observe(p.d, p.same);
  return total;
}

LossRegistry::Entry deepid2_entry() {
  return {"deepid2",
          "Sun 2014 DeepID2: cross-entropy over identities + λ·verification (l2 contrastive, m re-set, or cosine-sigmoid)",
          {real("lambda", 0.05, "weight λ of the verification term").at_least(0),
           text("form", "l2", "verification term: l2 (contrastive, margin re-set to the best threshold) or cosine")
               .one_of({"l2", "cosine"}),
           real("margin", 1.0, "initial margin m of the l2 form").above(0),
           integer("margin_every", 200000, "re-set m every this many training pairs (0 = never)").at_least(0)},
          [](const Params& p, const LossContext& ctx) -> std::shared_ptr<Loss> {
            DeepId2Options o;
            o.lambda = p.f("lambda");
            o.form = p.s("form");
            o.margin = p.f("margin");
            o.margin_every = p.i("margin_every");
            std::shared_ptr<Distance> d;
            if (o.form == "cosine") {
              d = ctx.distance ? ctx.distance : make_distance("cosine", ctx.embedding_dim);
              SIAMESE_CHECK(d->is_similarity(), ConfigError,
                            "deepid2 form = \"cosine\" needs a similarity, not the distance '", d->name(), "'");
            } else {
              d = distance_or(ctx, "euclidean", "deepid2");
            }
            return std::make_shared<DeepId2Loss>(o, ctx.embedding_dim, ctx.num_classes, d);
          }};
}

}  // namespace siamese
