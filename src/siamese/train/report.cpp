#include "siamese/train/report.h"

#include <chrono>

#include "siamese/core/fs.h"
#include "siamese/eval/evaluate.h"
#include "siamese/eval/metrics.h"
#include "siamese/model/data_parallel.h"

namespace siamese {

nlohmann::json evaluate_run(const OpenRun& run) {
  auto t0 = std::chrono::steady_clock::now();
  const auto& ev = run.config.params("eval");
  const int64_t bs = ev.i("batch_size");
  auto& branch = *run.model.branch;
  auto dist = run.model.eval_distance(run.config);
  torch::NoGradGuard g;
  auto train_emb = embed_all(branch, run.data.train.x, bs, run_workers(run.config));
  auto test_emb = embed_all(branch, run.data.test.x, bs, run_workers(run.config));
  torch::Tensor val_emb;
  if (run.data.val.size() > 0) val_emb = embed_all(branch, run.data.val.x, bs, run_workers(run.config));
  const uint64_t seed = static_cast<uint64_t>(run.config.params("run").i("seed"));

  auto v = verify_embeddings(test_emb, run.data.test.y, val_emb, run.data.val.y, *dist, ev.i("max_pairs"), seed);
  auto ret = retrieval_metrics(test_emb, run.data.test.y, *dist, {1, 5});
  nlohmann::json report;
  report["run"] = run.dir;
  report["data"] = {{"name", run.data.name}, {"train", run.data.train.size()}, {"val", run.data.val.size()},
                    {"test", run.data.test.size()}, {"classes", run.data.test.num_classes()}};
  report["model"] = {{"branch", run.config.component("model")}, {"loss", run.config.component("loss")},
                     {"embedding_dim", branch.embedding_dim()}, {"distance", dist->name().empty() ? "trained" : dist->name()}};
  report["verification"] = {{"auc", v.auc},
                            {"eer", v.eer},
                            {"eer_threshold", v.eer_threshold},
                            {"accuracy", v.accuracy},
                            {"threshold", v.threshold},
                            {"threshold_from", v.threshold_from},
                            {"tar_at_far", {{"1e-2", v.tar_far_1e2}, {"1e-3", v.tar_far_1e3}}},
                            {"pairs", v.pairs},
                            {"same_pairs", v.same_pairs}};
  report["knn"] = {{"k1", knn_accuracy(test_emb, run.data.test.y, train_emb, run.data.train.y, 1, *dist)},
                   {"k5", knn_accuracy(test_emb, run.data.test.y, train_emb, run.data.train.y, 5, *dist)}};
  report["retrieval"] = {{"precision_at_1", ret.precision_at_1},
                         {"map_at_r", ret.map_at_r},
                         {"recall_at_1", ret.recall_at_k(1)},
                         {"recall_at_5", ret.recall_at_k(5)},
                         {"queries", ret.num_queries}};
  report["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  write_file_atomic(run.dir + "/report.json", report.dump(2) + "\n");
  return report;
}

}  // namespace siamese
