// The Caffe LeNet branch (shapes, Caffe's xavier init), the Siamese wrapper's weight sharing, and
// data-parallel sharding (same embeddings and gradients as one pass over the whole batch).
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "siamese/loss/loss.h"
#include "siamese/model/data_parallel.h"
#include "siamese/model/lenet.h"
#include "siamese/model/mlp.h"

namespace siamese {
namespace {

TEST(LeNet, ShapesAndCaffeXavierInit) {
  torch::manual_seed(0);
  LeNetBranch net({1, 28, 28}, 2);
  EXPECT_EQ(net.forward(torch::rand({3, 1, 28, 28})).sizes(), (std::vector<int64_t>{3, 2}));
  auto params = net.named_parameters();
  // ip1: 800 inputs (50·4·4) -> 500; Caffe xavier bound sqrt(3/800).
  auto w = params["ip1.weight"];
  EXPECT_EQ(w.sizes(), (std::vector<int64_t>{500, 800}));
  const double bound = std::sqrt(3.0 / 800.0);
  EXPECT_LE(w.abs().max().item<double>(), bound);
  EXPECT_GT(w.abs().max().item<double>(), 0.95 * bound);
  // Uniform(-a, a) has variance a²/3 = 1/fan_in.
  EXPECT_NEAR(w.var().item<double>(), 1.0 / 800.0, 0.05 / 800.0);
  EXPECT_EQ(params["conv1.bias"].abs().sum().item<double>(), 0.0);
  EXPECT_EQ(net.bias_parameters().size(), 5u);
  EXPECT_EQ(net.weight_parameters().size(), 5u);
}

TEST(LeNet, ChannelsLastWeightsComputeTheCaffeNet) {
  // The conv weights are stored channels-last (for speed); the output and the weight gradients must be the
  // plain NCHW network's: recompute it with contiguous copies of every parameter and the standard ops.
  torch::manual_seed(4);
  LeNetBranch net({1, 28, 28}, 2);
  auto p = net.named_parameters();
  for (const char* name : {"conv1.weight", "conv2.weight"}) {
    EXPECT_TRUE(p[name].is_contiguous(torch::MemoryFormat::ChannelsLast)) << name;
    EXPECT_EQ(p[name].stride(1), 1) << name;  // explicit NHWC strides, even for conv1's single channel
  }
  torch::Tensor x = torch::rand({6, 1, 28, 28});
  torch::Tensor out = net.forward(x);
  out.sum().backward();
  std::map<std::string, torch::Tensor> q;
  for (auto& kv : p) q[kv.key()] = kv.value().detach().contiguous().clone().requires_grad_(true);
  torch::Tensor h = torch::max_pool2d(torch::conv2d(x, q["conv1.weight"], q["conv1.bias"]), 2, 2);
  h = torch::max_pool2d(torch::conv2d(h, q["conv2.weight"], q["conv2.bias"]), 2, 2);
  h = torch::relu(torch::linear(h.reshape({6, -1}), q["ip1.weight"], q["ip1.bias"]));
  torch::Tensor ref = torch::linear(torch::linear(h, q["ip2.weight"], q["ip2.bias"]), q["feat.weight"], q["feat.bias"]);
  ref.sum().backward();
  EXPECT_TRUE(torch::allclose(out, ref, 1e-4, 1e-5)) << out << ref;
  for (auto& kv : p)
    EXPECT_TRUE(torch::allclose(kv.value().grad(), q[kv.key()].grad(), 1e-3, 1e-5)) << kv.key();
}

TEST(EmbedAll, BatchedInferenceEqualsOnePassAndKeepsTheMode) {
  torch::manual_seed(0);
  auto branch = std::make_shared<MlpBranch>(4, std::vector<int64_t>{8}, 3, "relu", false);
  auto x = torch::randn({7, 4});
  torch::Tensor one;
  {
    torch::NoGradGuard g;
    one = branch->forward(x);
  }
  branch->train();
  auto batched = embed_all(*branch, x, /*batch_size=*/3, /*workers=*/2);
  EXPECT_TRUE(torch::allclose(batched, one, 1e-6, 1e-6)) << batched << one;
  EXPECT_FALSE(batched.requires_grad());
  EXPECT_TRUE(branch->is_training());
}

TEST(DataParallel, MatchesSinglePassForwardAndGradients) {
  torch::manual_seed(0);
  auto branch = std::make_shared<LeNetBranch>(std::vector<int64_t>{1, 28, 28}, 2, 4, 8, 16, 10);
  auto x = torch::rand({10, 1, 28, 28});
  auto loss = make_loss("contrastive", {});
  LossInput in;
  in.pairs = Pairs::make({0, 1, 2, 3, 4}, {5, 6, 7, 8, 9},
                         {PairLabel::kSame, PairLabel::kDifferent, PairLabel::kDifferent, PairLabel::kSame,
                          PairLabel::kDifferent});
  auto grads_with = [&](int workers) {
    branch->zero_grad();
    DataParallel dp(branch, workers);
    auto emb = dp.forward(x);
    in.embeddings = emb;
    loss->forward(in).backward();
    dp.backward(emb.grad());
    std::vector<torch::Tensor> g;
    for (auto& p : branch->parameters()) g.push_back(p.grad().clone());
    return std::make_pair(emb.detach().clone(), g);
  };
  auto [e1, g1] = grads_with(1);
  auto [e2, g2] = grads_with(2);
  auto [e3, g3] = grads_with(3);
  EXPECT_TRUE(torch::allclose(e1, e2, 1e-5, 1e-6));
  for (size_t k = 0; k < g1.size(); ++k) {
    EXPECT_TRUE(torch::allclose(g1[k], g2[k], 1e-4, 1e-6)) << k;
    EXPECT_TRUE(torch::allclose(g1[k], g3[k], 1e-4, 1e-6)) << k;
  }
  // Deterministic for a fixed worker count.
  auto [e2b, g2b] = grads_with(2);
  for (size_t k = 0; k < g2.size(); ++k) EXPECT_TRUE(torch::equal(g2[k], g2b[k])) << k;
  DataParallel dp(branch, 2);
  EXPECT_TRUE(torch::allclose(dp.infer(x), e1, 1e-5, 1e-6));
}

}  // namespace
}  // namespace siamese
