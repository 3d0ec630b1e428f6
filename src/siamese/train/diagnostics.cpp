#include "siamese/train/diagnostics.h"

#include <algorithm>
#include <cmath>

#include "siamese/core/error.h"
#include "siamese/mine/all_tuples.h"

namespace siamese {

namespace {

void embedding_statistics(const torch::Tensor& embeddings, nlohmann::json& row) {
  auto e = embeddings.detach().to(torch::kFloat64);
  auto centred = e - e.mean(0, /*keepdim=*/true);
  row["emb_norm"] = e.norm(2, 1).mean().item<double>();
  row["emb_spread"] = std::sqrt(centred.pow(2).sum(1).mean().item<double>());
}

// The pairs the statistics describe: input.pairs, else the triplets' (a,p)/(a,n), else all pairs of labels.
std::optional<Pairs> pairs_of(const LossInput& input) {
  if (input.pairs) return input.pairs;
  if (input.triplets) return triplets_to_pairs(*input.triplets);
  if (input.labels.defined()) return all_pairs(input.labels);
  return std::nullopt;
}

void pair_statistics(const torch::Tensor& embeddings, const Pairs& pairs, const Distance& dist, nlohmann::json& row) {
  auto e = embeddings.detach();
  auto d = dist.paired(e.index_select(0, pairs.first), e.index_select(0, pairs.second)).to(torch::kFloat64);
  auto same = pairs.same.to(torch::kBool);
  row["num_pairs"] = pairs.size();
  const int64_t np = same.sum().item<int64_t>(), nn = pairs.size() - np;
  double pos = 0, neg = 0;
  if (np > 0) row["pos_dist"] = pos = d.masked_select(same).mean().item<double>();
  if (nn > 0) row["neg_dist"] = neg = d.masked_select(~same).mean().item<double>();
  if (np > 0 && nn > 0) row["dist_gap"] = dist.is_similarity() ? pos - neg : neg - pos;
}

// `input` with the tuples `loss` consumes, converted as the trainer converts them; false when impossible.
bool with_loss_tuples(LossInput& input, const Loss& loss, const std::optional<Pairs>& pairs) {
  if (loss.consumes() == TupleKind::kPairs) {
    if (!input.pairs) input.pairs = pairs;
    return input.pairs.has_value();
  }
  if (loss.consumes() == TupleKind::kTriplets) {
    if (!input.triplets && pairs) input.triplets = pairs_to_triplets(*pairs);
    return input.triplets.has_value();
  }
  return false;
}

}  // namespace

void batch_diagnostics(const LossInput& detached_input, Loss& loss, nlohmann::json& row) {
  torch::NoGradGuard no_grad;
  LossInput in = detached_input;
  in.embeddings = detached_input.embeddings.detach();
  embedding_statistics(in.embeddings, row);
  const auto pairs = pairs_of(in);
  if (pairs) {
    auto dist = loss.distance();
    if (!dist) dist = make_distance("euclidean", 0);
    pair_statistics(in.embeddings, *pairs, *dist, row);
  }
  if (in.triplets) row["num_triplets"] = in.triplets->size();
  if (!with_loss_tuples(in, loss, pairs)) return;
  auto terms = loss.terms(in).terms;
  if (terms.numel() > 0) row["active_fraction"] = (terms > 0).to(torch::kFloat64).mean().item<double>();
}

std::optional<std::string> CollapseMonitor::check(const nlohmann::json& row) {
  if (fired_) return std::nullopt;
  auto num = [&row](const char* key, double& out) {
    if (!row.contains(key) || !row[key].is_number()) return false;
    out = row[key].get<double>();
    return true;
  };
  double spread, norm = 0, active, loss;
  const std::string at = row.contains("iter") ? str(" at iteration ", row["iter"].dump()) : std::string();
  if (num("emb_spread", spread)) {
    num("emb_norm", norm);
    if (spread <= o_.epsilon * std::max(1.0, norm)) {
      fired_ = true;
      return str("the embeddings collapsed", at, ": all lie within ", spread, " of their centroid (norm ",
                 norm, "). The loss has no force keeping them apart: check that the margin is > 0 and that the "
                 "batches hold negative pairs, lower optimizer.lr, or mine easier tuples (semi_hard instead of "
                 "batch_hard, or all_pairs).");
    }
  }
  if (num("active_fraction", active) && num("loss", loss) && o_.check_stuck && active >= o_.active_threshold) {
    if (!stuck_losses_.empty() &&
        std::abs(loss - stuck_losses_.front()) > o_.loss_tolerance * std::max(std::abs(stuck_losses_.front()), 1e-12))
      stuck_losses_.clear();
    stuck_losses_.push_back(loss);
    if (static_cast<int64_t>(stuck_losses_.size()) >= o_.patience) {
      fired_ = true;
      return str("the loss is stuck at ", loss, at, " with ", active * 100,
                 "% of the tuples active for ", o_.patience, " log steps: the embeddings are likely collapsed "
                 "onto the margin (every negative inside it). Lower optimizer.lr, use a miner with easier tuples "
                 "(semi_hard rather than batch_hard), or check the margin against the embedding scale.");
    }
  } else {
    stuck_losses_.clear();
  }
  return std::nullopt;
}

}  // namespace siamese
