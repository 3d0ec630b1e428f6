#include "siamese/train/hooks.h"

#include <chrono>

#include "siamese/core/error.h"
#include "siamese/core/fs.h"
#include "siamese/eval/evaluate.h"
#include "siamese/model/data_parallel.h"

namespace siamese {

PeriodicCheck::PeriodicCheck(const Model& model, const TensorDataset& check_set, std::string split_name, int64_t every,
                             int64_t pairs, uint64_t seed, std::shared_ptr<Distance> distance, int workers)
    : model_(model),
      set_(check_set),
      split_(std::move(split_name)),
      every_(every),
      pairs_(every > 0 ? verification_pairs(check_set.y, pairs, seed) : PairSample{}),
      distance_(std::move(distance)),
      workers_(workers) {}

void PeriodicCheck::on_log(const StepInfo& step, nlohmann::json& row) {
  row["train_s"] = row["elapsed_s"].get<double>() - seconds_;
  if (every_ <= 0 || step.iteration % every_ != 0) return;
  const auto t0 = std::chrono::steady_clock::now();
  auto emb = embed_all(*model_.branch, set_.x, 500, workers_);
  model_.branch->train();
  auto scores = pair_scores(emb, pairs_.first, pairs_.second, *distance_);
  row["check_auc"] = roc_auc(scores, pairs_.same, distance_->is_similarity());
  row["check_split"] = split_;
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void BatchDiagnostics::on_log(const StepInfo& step, nlohmann::json& row) {
  if (!step.input) return;
  torch::NoGradGuard no_grad;
  LossInput detached = *step.input;
  detached.embeddings = detached.embeddings.detach();
  batch_diagnostics(detached, *loss_, row);
}

CollapseWatch::CollapseWatch(WarningSink warn, const Loss& loss)
    : warn_(std::move(warn)), monitor_([&] {
        CollapseOptions o;
        o.check_stuck = loss.terms_can_vanish();
        return o;
      }()) {}

void CollapseWatch::on_log(const StepInfo& step, nlohmann::json& row) {
  if (auto warning = monitor_.check(row)) warn_(*warning);
}

MetricsLog::MetricsLog(const std::string& path) : path_(path), out_(path, std::ios::app) {
  SIAMESE_CHECK(out_.good(), DataError, path, ": cannot open for writing");
}

void MetricsLog::on_log(const StepInfo& step, nlohmann::json& row) {
  out_ << row.dump() << "\n" << std::flush;
  SIAMESE_CHECK(out_.good(), DataError, path_, ": write failed (disk full?)");
}

void truncate_metrics(const std::string& path, int64_t iteration) {
  if (!file_exists(path)) return;
  std::ifstream in(path);
  std::string line, kept;
  while (std::getline(in, line)) {
    try {
      auto j = nlohmann::json::parse(line);
      if (j.value("iter", int64_t{0}) <= iteration) kept += line + "\n";
    } catch (const nlohmann::json::exception&) {
      // a torn last line from a crash: drop it
    }
  }
  write_file_atomic(path, kept);
}

}  // namespace siamese
