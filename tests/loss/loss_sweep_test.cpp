// The sweep over EVERY registered loss (iterates loss_registry().infos(), so a newly registered loss is
// covered at once): finite value on random input, double-precision finite-difference gradients for the
// embeddings and for every learnable parameter of the loss (mining frozen: fixed tuples, eval() mode
// so adaptive state such as DeepID2's margin does not move; kinks skipped, see check_helpers.h), the
// config round-trip and range checks of its schema, and composition with every registered distance.
// Every loss with every reducer its schema offers (value = that reducer over the loss's own terms, finite
// gradients checked the same way; together the losses cover every registered reducer), and the per-element
// terms of every loss (one per tuple, the tuples' labels, >= 0).
#include <gtest/gtest.h>

#include <set>

#include "check_helpers.h"
#include "siamese/loss/loss.h"
#include "siamese/loss/reducer.h"

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

const ParamSpec* reducer_spec(const ComponentInfo& info) {
  for (const auto& s : info.schema)
    if (s.name == "reducer") return &s;
  return nullptr;
}

TEST(LossSweep, EveryReducerOnEveryLossWithGradientCheck) {
  std::set<std::string> covered;
  for (const auto& info : loss_registry().infos()) {
    const ParamSpec* spec = reducer_spec(info);
    if (!spec) continue;  // deepid2: its verification mean is fixed by the paper
    for (const auto& reducer : spec->choices) {
      SCOPED_TRACE(info.name + " with reducer " + reducer);
      covered.insert(reducer);
      LossInput in = sweep_input(6);
      LossContext ctx;
      ctx.embedding_dim = kDim;
      ctx.num_classes = kClasses;
      auto loss = make_loss(info.name, ctx, {{"reducer", reducer}});
      loss->to(torch::kDouble);
      loss->prepare(in.embeddings);
      loss->eval();
      auto x = in.embeddings.clone().requires_grad_(true);
      in.embeddings = x;
      auto value = loss->forward(in);
      ASSERT_TRUE(std::isfinite(value.item<double>()));
      // No weight penalty was handed over, so the value is exactly the reducer over the loss's terms.
      auto t = loss->terms(in);
      EXPECT_NEAR(value.item<double>(), make_reducer(reducer)->reduce(t.terms, t.same).item<double>(), 1e-12);
      std::vector<torch::Tensor> leaves = {x};
      for (auto& p : loss->parameters()) leaves.push_back(p);
      auto r = checks::check_gradients([&] { return loss->forward(in); }, leaves);
      EXPECT_LT(r.max_error, 1e-5) << r.worst;
      EXPECT_LE(r.skipped * 20, r.checked) << r.skipped << " coordinates at a kink";
    }
  }
  std::set<std::string> registered;
  for (const auto& name : reducer_registry().names()) registered.insert(name);
  EXPECT_EQ(covered, registered) << "some registered reducer is offered by no loss";
}

TEST(LossSweep, TermsAreOnePerTupleWithTheTuplesLabels) {
  for (const auto& info : loss_registry().infos()) {
    SCOPED_TRACE(info.name);
    LossInput in = sweep_input(7);
    auto loss = build(info.name);
    loss->to(torch::kDouble);
    loss->prepare(in.embeddings);
    loss->eval();
    auto t = loss->terms(in);
    ASSERT_EQ(t.tuples, loss->consumes());
    ASSERT_EQ(t.terms.dim(), 1);
    EXPECT_TRUE(torch::isfinite(t.terms).all().item<bool>());
    EXPECT_GE(t.terms.min().item<double>(), 0.0);
    if (t.tuples == TupleKind::kPairs) {
      ASSERT_EQ(t.terms.numel(), in.pairs->size());
      ASSERT_TRUE(t.same.defined());
      EXPECT_TRUE(torch::equal(t.same, in.pairs->same));
    } else {
      EXPECT_EQ(t.terms.numel(), in.triplets->size());
      EXPECT_FALSE(t.same.defined());
    }
    // Swapping the labels of the pairs (or positive and negative) changes the terms: they are the loss's.
    LossInput flipped = in;
    if (t.tuples == TupleKind::kPairs) {
      flipped.pairs->same = ~in.pairs->same;
    } else {
      flipped.triplets->positive = in.triplets->negative;
      flipped.triplets->negative = in.triplets->positive;
    }
    EXPECT_FALSE(torch::allclose(loss->terms(flipped).terms, t.terms));
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
      if (eval) {
        EXPECT_TRUE(torch::isfinite(eval->pairwise(x.detach(), x.detach())).all().item<bool>());
      }
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
