// Throughput of Caffe's MNIST Siamese net (LeNet branch, 2-D output, legacy contrastive loss, Caffe SGD):
// training pairs/s at batch 64 pairs and inference images/s at batch 256, for 1 and 2 data-parallel
// workers and for plain intra-op threading. bench/run_bench.sh runs the same network in PyTorch-Python
// (bench/peers/caffe_net.py) in the same invocation and prints the ratios.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "siamese/core/blas.h"
#include "siamese/loss/loss.h"
#include "siamese/model/data_parallel.h"
#include "siamese/model/lenet.h"
#include "siamese/train/optimizer.h"
#include "siamese/train/recipe.h"

namespace {

using namespace siamese;

struct Setup {
  std::shared_ptr<LeNetBranch> branch;
  std::shared_ptr<Loss> loss;
  torch::Tensor x;
  LossInput in;
};

Setup make_setup(int64_t pairs) {
  torch::manual_seed(1);
  Setup s;
  s.branch = std::make_shared<LeNetBranch>(std::vector<int64_t>{1, 28, 28}, 2);
  s.loss = make_loss("contrastive_legacy", {});
  s.x = torch::rand({2 * pairs, 1, 28, 28});
  std::vector<int64_t> f, g;
  std::vector<PairLabel> y;
  for (int64_t k = 0; k < pairs; ++k) {
    f.push_back(k);
    g.push_back(pairs + k);
    y.push_back(k % 10 == 0 ? PairLabel::kSame : PairLabel::kDifferent);
  }
  s.in.pairs = Pairs::make(f, g, y);
  return s;
}

Params sgd_params() {
  Config c = load_recipe_string("", "bench");
  return c.params("optimizer");
}

// workers > 0: data-parallel with one intra-op thread each; workers < 0: -workers intra-op threads.
void BM_Train(benchmark::State& state) {
  const int workers = static_cast<int>(state.range(0));
  at::set_num_threads(workers > 0 ? 1 : -workers);
  Setup s = make_setup(64);
  DataParallel parallel(s.branch, std::max(1, workers));
  Optimizer opt({{s.branch->weight_parameters(), 1, 1}, {s.branch->bias_parameters(), 2, 1}}, sgd_params());
  for (auto _ : state) {
    auto emb = parallel.forward(s.x);
    s.in.embeddings = emb;
    auto loss = s.loss->forward(s.in);
    opt.zero_grad();
    loss.backward();
    parallel.backward(emb.grad());
    opt.step(0.01);
  }
  state.SetItemsProcessed(state.iterations() * 64);
  state.counters["pairs_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * 64), benchmark::Counter::kIsRate);
}

void BM_Infer(benchmark::State& state) {
  const int workers = static_cast<int>(state.range(0));
  at::set_num_threads(workers > 0 ? 1 : -workers);
  Setup s = make_setup(128);  // 256 images
  s.branch->eval();
  DataParallel parallel(s.branch, std::max(1, workers));
  for (auto _ : state) benchmark::DoNotOptimize(parallel.infer(s.x));
  state.SetItemsProcessed(state.iterations() * 256);
  state.counters["images_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * 256), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_Train)->Arg(1)->Arg(2)->Arg(-2)->ArgName("workers")->MinTime(3.0)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Infer)->Arg(1)->Arg(2)->Arg(-2)->ArgName("workers")->MinTime(3.0)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  siamese::select_blas_kernel(argv);  // may re-execute this program once (see core/blas.h)
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
