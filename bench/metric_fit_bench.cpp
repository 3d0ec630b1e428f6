// Fit time of the classical metric learners (euclidean, mmc, mmc-diag, lmnn; default parameters) on
// scikit-learn's iris, wine (z-scored) and digits as installed by Debian's python3-sklearn. Each
// benchmark fits once per iteration on the whole data set and reports the solver's iterations and status.
//   ./build/metric_fit_bench --benchmark_filter=lmnn/digits
#include <benchmark/benchmark.h>

#include <fstream>
#include <map>

#include "siamese/core/blas.h"
#include "siamese/data/csv.h"
#include "siamese/metric/learner.h"

namespace {

const std::string kDir = "/usr/lib/python3/dist-packages/sklearn/datasets/data/";

const siamese::CsvTable* data(const std::string& name) {
  static std::map<std::string, siamese::CsvTable> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return &it->second;
  std::string file = name == "iris" ? "iris.csv" : name == "wine" ? "wine_data.csv" : "digits.csv.gz";
  if (!std::ifstream(kDir + file)) return nullptr;
  siamese::CsvOptions o;
  o.zscore = name == "wine";
  return &cache.emplace(name, siamese::load_csv(kDir + file, o)).first->second;
}

void fit(benchmark::State& state, const std::string& method, const std::string& dataset,
         const std::map<std::string, siamese::Value>& overrides) {
  const siamese::CsvTable* t = data(dataset);
  if (!t) {
    state.SkipWithError("python3-sklearn data not installed");
    return;
  }
  auto learner = siamese::metric_learner_registry().create_with(method, overrides);
  siamese::FitResult r;
  for (auto _ : state) {
    r = learner->fit(t->x, t->y);
    benchmark::DoNotOptimize(r.model.L.data_ptr());
  }
  state.counters["iterations"] = static_cast<double>(r.iterations);
  state.counters["converged"] = r.status == siamese::FitStatus::kConverged ? 1 : 0;
  state.counters["rows"] = static_cast<double>(t->x.size(0));
  state.counters["dims"] = static_cast<double>(t->x.size(1));
}

void register_all() {
  for (const char* method : {"euclidean", "mmc", "mmc-diag", "lmnn"})
    for (const char* dataset : {"iris", "wine", "digits"})
      benchmark::RegisterBenchmark((std::string(method) + "/" + dataset).c_str(), fit, std::string(method),
                                   std::string(dataset), std::map<std::string, siamese::Value>{})
          ->Unit(benchmark::kMillisecond)
          ->Iterations(1)
          ->Repetitions(3)
          ->ReportAggregatesOnly(true);
  // The digits setting of docs/classical-metric-learning.md: 5 target neighbours.
  benchmark::RegisterBenchmark("lmnn_k5/digits", fit, std::string("lmnn"), std::string("digits"),
                               std::map<std::string, siamese::Value>{{"k", siamese::Value(int64_t{5})}})
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1)
      ->Repetitions(3)
      ->ReportAggregatesOnly(true);
}

}  // namespace

int main(int argc, char** argv) {
  siamese::select_blas_kernel(argv);  // may re-execute this program once (see core/blas.h)
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
