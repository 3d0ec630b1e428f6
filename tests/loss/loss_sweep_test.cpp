// The sweep over EVERY registered loss (iterates loss_registry().infos(), so a newly registered loss is
// covered at once): finite value on random input, double-precision finite-difference gradients for the
// embeddings and for every learnable parameter of the loss (mining frozen: fixed tuples, eval() mode
// so adaptive state such as DeepID2's margin does not move; kinks skipped, see check_helpers.h), the
// config round-trip and range checks of its schema, and composition with every registered distance.
#include <gtest/gtest.h>

#include "check_helpers.h"
#include "siamese/loss/loss.h"

namespace siamese {
namespace {

constexpr int64_t kDim = 3;
constexpr int64_t kClasses = 4;

// 12 embeddings, 3 per class; every pair (66, 18 same) and every triplet; per-pair weights in [0.5, 1.5].
LossInput sweep_input(uint64_t seed) {
  torch::manual_seed(seed);
  LossInput in;
  in.embeddings = 0.7 * torch::randn({12, kDim}, torch::kDouble);
  std::vector<int64_t> labels;
  for (int64_t k = 0; k < 12; ++k) labels.push_back(k / 3);
  in.labels = torch::tensor(labels, torch::kLong);
  std::vector<int64_t> f, s, ta, tp, tn;
  std::vector<PairLabel> same;
  for (int64_t i = 0; i < 12; ++i)
    for (int64_t j = i + 1; j < 12; ++j) {
      f.push_back(i), s.push_back(j);
      same.push_back(labels[i] == labels[j] ? PairLabel::kSame : PairLabel::kDifferent);
    }
  for (int64_t a = 0; a < 12; ++a)
    for (int64_t p = 0; p < 12; ++p)
      for (int64_t n = 0; n < 12; ++n)
        if (a != p && labels[a] == labels[p] && labels[a] != labels[n]) ta.push_back(a), tp.push_back(p), tn.push_back(n);
  in.pairs = Pairs::make(f, s, same);
  in.pairs->weight = 0.5 + torch::rand({in.pairs->size()}, torch::kDouble);
  in.triplets = Triplets::make(ta, tp, tn);
  return in;
}

std::shared_ptr<Loss> build(const std::string& name, std::shared_ptr<Distance> distance = nullptr) {
  LossContext ctx;
  ctx.embedding_dim = kDim;
  ctx.num_classes = kClasses;
  ctx.distance = std::move(distance);
  return make_loss(name, ctx);
}

TEST(LossSweep, EveryLossIsRegisteredWithASchema) {
  const auto infos = loss_registry().infos();
  EXPECT_GE(infos.size(), 11u);
  for (const char* name : {"contrastive", "contrastive_legacy", "weighted_contrastive", "hinge_embedding", "energy_exp",
                           "ddml", "cosine_target", "deepid2", "triplet_hinge", "triplet_softmax", "triplet_margin"})
    EXPECT_TRUE(loss_registry().contains(name)) << name;
  for (const auto& info : infos) checks::check_schema(info);
}

TEST(LossSweep, FiniteValueAndGradientCheckOnRandomInput) {
  for (const auto& info : loss_registry().infos()) {
    for (uint64_t seed : {1u, 2u}) {
      SCOPED_TRACE(info.name + " seed " + std::to_string(seed));
      LossInput in = sweep_input(seed);
      auto loss = build(info.name);
      loss->to(torch::kDouble);
      loss->prepare(in.embeddings);
      loss->eval();  // adaptive state frozen during the check
      // A stand-in for branch weights, so a loss with a weight penalty (DDML) is checked on it too.
      auto branch_w = torch::randn({2, 3}, torch::kDouble).requires_grad_(true);
      loss->set_penalized_parameters({branch_w});
      auto x = in.embeddings.clone().requires_grad_(true);
      in.embeddings = x;
      auto value = loss->forward(in);
      ASSERT_EQ(value.dim(), 0);
      ASSERT_TRUE(std::isfinite(value.item<double>()));
      std::vector<torch::Tensor> leaves = {x, branch_w};
      for (auto& p : loss->parameters()) leaves.push_back(p);
      auto r = checks::check_gradients([&] { return loss->forward(in); }, leaves);
      EXPECT_LT(r.max_error, 1e-5) << r.worst;
      EXPECT_LE(r.skipped * 20, r.checked) << r.skipped << " coordinates at a kink";
      for (auto& p : leaves)
        if (p.grad().defined()) p.grad().zero_();
      loss->forward(in).backward();
      EXPECT_TRUE(torch::isfinite(x.grad()).all().item<bool>());
      EXPECT_GT(x.grad().abs().sum().item<double>(), 0) << "no gradient reaches the embeddings";
    }
  }
}

TEST(LossSweep, EmptyTupleSetsGiveZeroNotNaN) {
  for (const auto& info : loss_registry().infos()) {
    SCOPED_TRACE(info.name);
    LossInput in = sweep_input(3);
    auto loss = build(info.name);
    loss->to(torch::kDouble);
    loss->prepare(in.embeddings);
    in.pairs = Pairs::make({}, {}, {});
    in.triplets = Triplets::make({}, {}, {});
    auto v = loss->forward(in);
    EXPECT_TRUE(std::isfinite(v.item<double>()));
  }
}

TEST(LossSweep, MissingTuplesAreAConfigError) {
  for (const auto& info : loss_registry().infos()) {
    SCOPED_TRACE(info.name);
    LossInput in = sweep_input(4);
    auto loss = build(info.name);
    loss->to(torch::kDouble);
    loss->prepare(in.embeddings);
    if (loss->consumes() == TupleKind::kPairs) in.pairs.reset();
    if (loss->consumes() == TupleKind::kTriplets) in.triplets.reset();
    if (loss->consumes() == TupleKind::kLabels) continue;
    EXPECT_ANY_THROW(loss->forward(in));
  }
}

// Every loss with every registered distance: either a clear ConfigError at construction (e.g. a loss on
// distances given the cosine similarity) or a finite value and gradient.
TEST(LossSweep, ComposesWithEveryDistance) {
  int64_t combos = 0;
  for (const auto& li : loss_registry().infos())
    for (const auto& di : distance_registry().infos()) {
      SCOPED_TRACE(li.name + " with " + di.name);
      std::shared_ptr<Loss> loss;
      try {
        loss = build(li.name, make_distance(di.name, kDim));
      } catch (const ConfigError&) {
        continue;
      }
      ++combos;
      LossInput in = sweep_input(5);
      in.embeddings = in.embeddings.abs() + 0.1;  // non-negative features, as weighted_chi2 expects
      loss->to(torch::kDouble);
      loss->prepare(in.embeddings);
      auto x = in.embeddings.clone().requires_grad_(true);
      in.embeddings = x;
      auto v = loss->forward(in);
      ASSERT_TRUE(std::isfinite(v.item<double>()));
      v.backward();
      EXPECT_TRUE(torch::isfinite(x.grad()).all().item<bool>());
      auto eval = loss->distance();
      if (eval) EXPECT_TRUE(torch::isfinite(eval->pairwise(x.detach(), x.detach())).all().item<bool>());
    }
  EXPECT_GE(combos, 11 * 5);
}

TEST(LossSweep, UnknownLossListsTheKnownOnes) {
  try {
    build("no_such_loss");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("triplet_margin"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace siamese
