#include <cstdio>

#include "commands.h"
#include "siamese/train/report.h"
#include "siamese/train/run.h"

namespace siamese::cli {

void add_eval_command(CLI::App& root) {
  auto* cmd = root.add_subcommand("eval", "evaluate a trained run on held-out data; writes report.json");
  auto dir = std::make_shared<std::string>();
  cmd->add_option("--run-dir", *dir, "run directory")->required();
  cmd->callback([dir] {
    OpenRun run = open_run(*dir);
    print_warnings(run.warnings);
    auto r = evaluate_run(run);
    const auto& v = r["verification"];
    std::printf("verification: AUC %.4f  EER %.4f  accuracy %.4f (threshold %.4g from %s)  TAR@FAR1e-2 %.4f  TAR@FAR1e-3 %.4f\n",
                v["auc"].get<double>(), v["eer"].get<double>(), v["accuracy"].get<double>(),
                v["threshold"].get<double>(), v["threshold_from"].get<std::string>().c_str(),
                v["tar_at_far"]["1e-2"].get<double>(), v["tar_at_far"]["1e-3"].get<double>());
    std::printf("knn: k1 %.4f  k5 %.4f\n", r["knn"]["k1"].get<double>(), r["knn"]["k5"].get<double>());
    std::printf("retrieval: P@1 %.4f  MAP@R %.4f\n", r["retrieval"]["precision_at_1"].get<double>(),
                r["retrieval"]["map_at_r"].get<double>());
    std::printf("report: %s/report.json\n", dir->c_str());
  });
}

}  // namespace siamese::cli
