#include "siamese/train/diagnostics.h"

#include <algorithm>
#include <cmath>

#include "siamese/core/error.h"
#include "siamese/mine/all_tuples.h"

namespace siamese {

void batch_diagnostics(const torch::Tensor& embeddings, const LossInput& input, const Distance& dist,
                       nlohmann::json& row, const DiagnosticsOptions& options) {
  torch::NoGradGuard no_grad;
  auto e = embeddings.detach().to(torch::kFloat64);
  const bool sim = dist.is_similarity();
  auto centred = e - e.mean(0, /*keepdim=*/true);
  row["emb_norm"] = e.norm(2, 1).mean().item<double>();
  row["emb_spread"] = std::sqrt(centred.pow(2).sum(1).mean().item<double>());

  std::optional<Pairs> pairs = input.pairs;
  if (!pairs && input.triplets) pairs = triplets_to_pairs(*input.triplets);
  if (!pairs && input.labels.defined()) pairs = all_pairs(input.labels);
  if (!pairs) return;
  auto ef = embeddings.detach();
  auto d = dist.paired(ef.index_select(0, pairs->first), ef.index_select(0, pairs->second)).to(torch::kFloat64);
  auto same = pairs->same.to(torch::kBool);
  row["num_pairs"] = pairs->size();
  const int64_t np = same.sum().item<int64_t>(), nn = pairs->size() - np;
  double pos = 0, neg = 0;
  if (np > 0) row["pos_dist"] = pos = d.masked_select(same).mean().item<double>();
  if (nn > 0) row["neg_dist"] = neg = d.masked_select(~same).mean().item<double>();
  if (np > 0 && nn > 0) row["dist_gap"] = sim ? pos - neg : neg - pos;

  if (input.triplets && input.triplets->size() > 0) {
    const auto& t = *input.triplets;
    auto dap = dist.paired(ef.index_select(0, t.anchor), ef.index_select(0, t.positive)).to(torch::kFloat64);
    auto dan = dist.paired(ef.index_select(0, t.anchor), ef.index_select(0, t.negative)).to(torch::kFloat64);
    if (sim) {
      dap = -dap;
      dan = -dan;
    }
    row["num_triplets"] = t.size();
    row["active_fraction"] = (dan < dap + options.margin).to(torch::kFloat64).mean().item<double>();
  } else if (pairs->size() > 0) {
    // A similarity (cosine) positive is active below 1, a negative above the margin.
    auto active = sim ? torch::where(same, d < 1.0, d > options.margin) : torch::where(same, d > 0, d < options.margin);
    row["active_fraction"] = active.to(torch::kFloat64).mean().item<double>();
  }
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
  if (num("active_fraction", active) && num("loss", loss) && active >= o_.active_threshold) {
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
