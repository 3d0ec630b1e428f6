#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "siamese/core/fs.h"
#include "siamese/eval/evaluate.h"
#include "siamese/eval/metrics.h"
#include "siamese/model/data_parallel.h"
#include "siamese/train/run.h"
#include "siamese/viz/plot.h"

namespace siamese::cli {

void add_plot_command(CLI::App& root) {
  auto* cmd = root.add_subcommand("plot", "PNG figures of a run: embedding scatter, ROC curve, training loss");
  auto dir = std::make_shared<std::string>();
  cmd->add_option("--run-dir", *dir, "run directory")->required();
  cmd->callback([dir] {
    OpenRun run = open_run(*dir);
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
    const std::string metrics = *dir + "/metrics.jsonl";
    if (file_exists(metrics)) {
      Series loss{"training loss", {}, {}};
      std::ifstream in(metrics);
      std::string line;
      while (std::getline(in, line)) {
        try {
          auto j = nlohmann::json::parse(line);
          if (j.contains("loss")) {
            loss.x.push_back(j["iter"].get<double>());
            loss.y.push_back(j["loss"].get<double>());
          }
        } catch (const nlohmann::json::exception&) {
        }
      }
      if (!loss.x.empty()) {
        bool positive = true;
        for (double y : loss.y) positive = positive && y > 0;
        plot_lines(*dir + "/loss.png", {loss}, str("training loss: ", what), "iteration", "loss", positive);
        written.push_back("loss.png");
      }
    }
    for (const auto& w : written) std::printf("wrote %s/%s\n", dir->c_str(), w.c_str());
  });
}

}  // namespace siamese::cli
