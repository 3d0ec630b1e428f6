#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "siamese/core/error.h"
#include "siamese/core/text.h"
#include "siamese/core/fs.h"
#include "siamese/eval/evaluate.h"
#include "siamese/eval/metrics.h"
#include "siamese/model/data_parallel.h"
#include "siamese/train/run.h"
#include "siamese/viz/plot.h"

namespace siamese::cli {

namespace {

// The training-loss series of metrics.jsonl. A line with "loss": null (the loss was not finite: JSON has no
// NaN) is left out and counted in `skipped`; a line without a loss (an evaluation line) is not a point. A
// line that is not a JSON object, or whose "iter" or "loss" is not a number, is a DataError naming the file
// and the line: plot does not guess around a damaged log.
Series read_loss_series(const std::string& path, int64_t& skipped) {
  Series loss{"training loss", {}, {}};
  std::ifstream in(path);
  SIAMESE_CHECK(in.good(), DataError, path, ": cannot open");
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception&) {
      throw DataError(str(path, ":", number, ": not a JSON line: '", shorten_value(line), "'"));
    }
    SIAMESE_CHECK(j.is_object(), DataError, path, ":", number, ": not a JSON object: '", shorten_value(line), "'");
    if (!j.contains("loss")) continue;
    if (j["loss"].is_null()) {
      ++skipped;
      continue;
    }
    SIAMESE_CHECK(j["loss"].is_number() && j.contains("iter") && j["iter"].is_number(), DataError, path, ":",
                  number, ": 'iter' and 'loss' must be numbers: '", shorten_value(line), "'");
    loss.x.push_back(j["iter"].get<double>());
    loss.y.push_back(j["loss"].get<double>());
  }
  return loss;
}

}  // namespace

void add_plot_command(CLI::App& root) {
  auto* cmd = root.add_subcommand("plot", "PNG figures of a run: embedding scatter, ROC curve, training loss");
  auto dir = std::make_shared<std::string>();
  cmd->add_option("--run-dir", *dir, "run directory")->required();
  cmd->callback([dir] {
    OpenRun run = open_run(*dir);
    print_warnings(run.warnings);
    // The log first: a damaged metrics.jsonl fails before any figure is drawn.
    const std::string metrics = *dir + "/metrics.jsonl";
    int64_t skipped = 0;
    const Series loss = file_exists(metrics) ? read_loss_series(metrics, skipped) : Series{"training loss", {}, {}};
    const auto& ev = run.config.params("eval");
    auto dist = run.model.eval_distance(run.config);
    auto emb = embed_all(*run.model.branch, run.data.test.x, ev.i("batch_size"), run_workers(run.config));
    const std::string what = run.config.component("model") + " + " + run.config.component("loss");
    plot_scatter(*dir + "/embedding.png", pca_2d(emb), run.data.test.y, run.data.test.class_names,
                 str("test embeddings", emb.size(1) > 2 ? " (PCA to 2-D)" : "", ": ", run.data.name, ", ", what));
    auto pairs = verification_pairs(run.data.test.y, ev.i("max_pairs"),
                                    static_cast<uint64_t>(run.config.params("run").i("seed")));
    auto scores = pair_scores(emb, pairs.first, pairs.second, *dist);
    auto roc = roc_curve(scores, pairs.same, dist->is_similarity());
    const double auc = roc_auc(scores, pairs.same, dist->is_similarity());
    plot_lines(*dir + "/roc.png", {{str("test pairs (AUC ", auc, ")"), roc.fpr, roc.tpr}},
               str("ROC: ", run.data.name, ", ", what), "false accept rate", "true accept rate", false, true);
    std::vector<std::string> written = {"embedding.png", "roc.png"};
    if (skipped > 0)
      std::printf("%s: %lld logged iteration(s) with a null (non-finite) loss left out of loss.png\n",
                  metrics.c_str(), static_cast<long long>(skipped));
    if (!loss.x.empty()) {
      bool positive = true;
      for (double y : loss.y) positive = positive && y > 0;
      plot_lines(*dir + "/loss.png", {loss}, str("training loss: ", what), "iteration", "loss", positive);
      written.push_back("loss.png");
    }
    for (const auto& w : written) std::printf("wrote %s/%s\n", dir->c_str(), w.c_str());
  });
}

}  // namespace siamese::cli
