// `siamese fit-metric`: cross-validated kNN accuracy of classical Mahalanobis learners on a CSV table.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <set>
#include <sstream>

#include "commands.h"
#include "siamese/core/config.h"
#include "siamese/core/error.h"
#include "siamese/core/fs.h"
#include "siamese/data/csv.h"
#include "siamese/metric/evaluation.h"
#include "siamese/metric/learner.h"

namespace siamese::cli {

namespace {

struct FitMetricArgs {
  std::string data;
  std::string methods = "lmnn";
  std::vector<std::string> sets;
  int64_t folds = 5;
  int64_t k = 3;
  int64_t seed = 0;
  bool zscore = false;
  std::string labels = "auto";
  int header = -1;
  int label_column = -1;
  std::string out;
  std::string save_model;
};

std::vector<std::string> split_methods(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  SIAMESE_CHECK(!out.empty(), ConfigError, "--method: no method given");
  return out;
}

nlohmann::json value_json(const Value& v) {
  if (auto* b = std::get_if<bool>(&v)) return *b;
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v)) return *d;
  return std::get<std::string>(v);
}

// "--set key=value" applies to every selected method that has `key` (an unknown key is an error); a
// "--set method.key=value" applies to that method only and is validated strictly against its schema.
std::map<std::string, RawParams> route_overrides(const std::vector<std::string>& sets,
                                                 const std::vector<std::string>& methods) {
  const auto& reg = metric_learner_registry();
  std::map<std::string, RawParams> raw;
  for (const auto& text : sets) {
    auto eq = text.find('=');
    SIAMESE_CHECK(eq != std::string::npos && eq > 0, ConfigError, "--set '", text, "': expected key=value");
    std::string key = text.substr(0, eq);
    std::string target;
    auto dot = key.find('.');
    if (dot != std::string::npos) {
      target = key.substr(0, dot);
      key = key.substr(dot + 1);
      SIAMESE_CHECK(std::find(methods.begin(), methods.end(), target) != methods.end(), ConfigError, "--set '",
                    text, "': '", target, "' is not one of the selected methods");
    }
    // parse_override gives the value the same literal rules as recipes (1 is an integer, 1.0 a float, ...).
    Value value = parse_override("set." + key + text.substr(eq)).value;
    RawValue rv{value, "--set " + text};
    if (!target.empty()) {
      raw[target][key] = rv;
      continue;
    }
    std::set<std::string> known;
    bool used = false;
    for (const auto& m : methods) {
      for (const auto& spec : reg.entry(m).schema) {
        known.insert(spec.name);
        if (spec.name == key) {
          raw[m][key] = rv;
          used = true;
        }
      }
    }
    if (!used) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw ConfigError(str("--set '", text, "': unknown key '", key, "' for ", methods.size() == 1 ? "method " : "methods ",
                            [&] {
                              std::string m;
                              for (const auto& x : methods) m += (m.empty() ? "" : ", ") + x;
                              return m;
                            }(),
                            list.empty() ? std::string(" (they take no parameters)") : " (known: " + list + ")"));
    }
  }
  return raw;
}

CsvTable load_table(const FitMetricArgs& a) {
  CsvOptions copt;
  copt.header_lines = a.header;
  copt.label_column = a.label_column;
  copt.labels = a.labels;
  copt.zscore = a.zscore;
  CsvTable table = load_csv(a.data, copt);
  std::printf("fit-metric: %s: %lld rows, %lld features, %lld classes (labels: %s)%s; %lld-fold stratified CV, "
              "%lld-NN, seed %lld\n",
              a.data.c_str(), static_cast<long long>(table.x.size(0)), static_cast<long long>(table.x.size(1)),
              static_cast<long long>(table.num_classes()), table.label_mode.c_str(), a.zscore ? ", z-scored" : "",
              static_cast<long long>(a.folds), static_cast<long long>(a.k), static_cast<long long>(a.seed));
  return table;
}

// One method's cross-validation: per-fold lines on stdout as they finish.
CvReport cross_validate_method(const std::string& m, const Params& p, const CsvTable& table, const FitMetricArgs& a) {
  auto learner = metric_learner_registry().entry(m).make(p);
  CvReport rep = cross_validate_knn(*learner, m, table.x, table.y, a.folds, a.k, static_cast<uint64_t>(a.seed));
  for (const auto& f : rep.per_fold)
    std::printf("%-10s %4lld %6.4f %9.3f %6lld  %s\n", m.c_str(), static_cast<long long>(f.fold), f.accuracy,
                f.fit_seconds, static_cast<long long>(f.iterations), to_string(f.status));
  std::fflush(stdout);
  return rep;
}

// The summary line of a method on stdout, and its entry of the JSON report.
nlohmann::json summarise(const CvReport& rep, const Params& params) {
  double iters = 0;
  nlohmann::json folds = nlohmann::json::array();
  for (const auto& f : rep.per_fold) {
    iters += static_cast<double>(f.iterations) / static_cast<double>(rep.per_fold.size());
    nlohmann::json fj = {{"fold", f.fold},           {"train", f.train_size},     {"test", f.test_size},
                         {"accuracy", f.accuracy},   {"fit_seconds", f.fit_seconds}, {"iterations", f.iterations},
                         {"status", to_string(f.status)}, {"message", f.message}};
    fj["objective"] = std::isfinite(f.objective) ? nlohmann::json(f.objective) : nlohmann::json(nullptr);
    folds.push_back(fj);
  }
  std::printf("%-10s %9.4f %7.4f %11.3f %10.1f %7lld/%lld\n", rep.method.c_str(), rep.mean_accuracy, rep.std_accuracy,
              rep.mean_fit_seconds, iters, static_cast<long long>(rep.converged_folds),
              static_cast<long long>(rep.per_fold.size()));
  nlohmann::json pj = nlohmann::json::object();
  for (const auto& [k, v] : params.values()) pj[k] = value_json(v);
  return {{"method", rep.method},
          {"params", pj},
          {"folds", folds},
          {"mean_accuracy", rep.mean_accuracy},
          {"std_accuracy", rep.std_accuracy},
          {"mean_fit_seconds", rep.mean_fit_seconds},
          {"total_fit_seconds", rep.total_fit_seconds},
          {"mean_iterations", iters},
          {"converged_folds", rep.converged_folds}};
}

nlohmann::json save_model(const std::string& method, const Params& p, const CsvTable& table, const std::string& path) {
  auto learner = metric_learner_registry().entry(method).make(p);
  FitResult fit = learner->fit(table.x, table.y);
  fit.model.save(path);
  std::printf("model (fitted on all %lld rows, %s after %lld iterations): %s\n",
              static_cast<long long>(table.x.size(0)), to_string(fit.status), static_cast<long long>(fit.iterations),
              path.c_str());
  return {{"path", path}, {"status", to_string(fit.status)}, {"iterations", fit.iterations}};
}

void run_fit_metric(const FitMetricArgs& a) {
  const auto& reg = metric_learner_registry();
  std::vector<std::string> methods = split_methods(a.methods);
  for (const auto& m : methods) reg.entry(m);  // unknown names throw, listing the known ones
  SIAMESE_CHECK(a.save_model.empty() || methods.size() == 1, ConfigError,
                "--save-model needs exactly one --method (got ", methods.size(), ")");
  auto raw = route_overrides(a.sets, methods);
  CsvTable table = load_table(a);

  nlohmann::json report;
  report["data"] = {{"path", a.data},
                    {"rows", table.x.size(0)},
                    {"features", table.x.size(1)},
                    {"classes", table.class_names},
                    {"labels", table.label_mode},
                    {"zscore", a.zscore}};
  report["protocol"] = {{"folds", a.folds}, {"k", a.k}, {"seed", a.seed}, {"stratified", true}};
  report["methods"] = nlohmann::json::array();

  std::printf("%-10s %4s %6s %9s %6s  %s\n", "method", "fold", "acc", "fit_s", "iters", "status");
  std::vector<CvReport> reps;
  std::vector<Params> params;
  for (const auto& m : methods) {
    params.push_back(resolve_params(reg.entry(m).schema, raw[m], "fit-metric --method " + m));
    reps.push_back(cross_validate_method(m, params.back(), table, a));
  }
  std::printf("\n%-10s %9s %7s %11s %10s %10s\n", "method", "mean_acc", "std", "fit_s/fold", "iters/fold",
              "converged");
  for (size_t r = 0; r < reps.size(); ++r) report["methods"].push_back(summarise(reps[r], params[r]));
  if (!a.save_model.empty()) report["model"] = save_model(methods[0], params[0], table, a.save_model);
  if (!a.out.empty()) {
    write_file_atomic(a.out, report.dump(2) + "\n");
    std::printf("report: %s\n", a.out.c_str());
  }
}

}  // namespace

void add_fit_metric_command(CLI::App& root) {
  auto* cmd = root.add_subcommand(
      "fit-metric",
      "cross-validated k-NN accuracy of classical Mahalanobis learners (euclidean, mmc, mmc-diag, lmnn) on a CSV");
  auto a = std::make_shared<FitMetricArgs>();
  cmd->add_option("data", a->data, "CSV file (numeric features + label column; .gz accepted)")->required();
  cmd->add_option("--method", a->methods,
                  "learner name, or a comma-separated list for one comparison table (euclidean, mmc, mmc-diag, lmnn)")
      ->capture_default_str();
  cmd->add_option("--set", a->sets, "learner parameter key=value (or method.key=value); repeatable");
  cmd->add_option("--folds", a->folds, "cross-validation folds")->capture_default_str()->check(CLI::Range(2, 1000000));
  cmd->add_option("--k", a->k, "neighbours for kNN classification")->capture_default_str()->check(CLI::Range(1, 1000000));
  cmd->add_option("--seed", a->seed, "seed of the fold split")->capture_default_str()->check(CLI::NonNegativeNumber);
  cmd->add_flag("--zscore", a->zscore, "standardise every feature column (whole-file mean and std)");
  cmd->add_option("--labels", a->labels, "label column: auto, class (integers) or tertiles (continuous target)")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "class", "tertiles"}));
  cmd->add_option("--header", a->header, "header lines to skip; -1 = detect")->capture_default_str();
  cmd->add_option("--label-column", a->label_column, "0-based label column; negative counts from the end")
      ->capture_default_str();
  cmd->add_option("--out", a->out, "write the JSON report here");
  cmd->add_option("--save-model", a->save_model, "also fit on all rows and save the Mahalanobis model (JSON)");
  cmd->callback([a] { run_fit_metric(*a); });
}

}  // namespace siamese::cli
