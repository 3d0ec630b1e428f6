// Pair losses 3-8 (weighted_contrastive, hinge_embedding, energy_exp, ddml, cosine_target, deepid2): values
// worked out by hand on 2-D points at known positions (arithmetic in the comments), a naive-loop oracle on
// random pairs, the label convention (swapping same/different changes the value) and each paper's limits.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <sstream>

#include "siamese/loss/ddml.h"
#include "siamese/loss/deepid2.h"
#include "siamese/loss/energy_exp.h"

namespace siamese {
namespace {

using Labels = std::vector<PairLabel>;
constexpr PairLabel S = PairLabel::kSame;
constexpr PairLabel D = PairLabel::kDifferent;

// Pairs (a_k, b_k): embeddings are [a; b], pair k = (k, n + k).
LossInput pairs_of(const std::vector<std::array<double, 2>>& a, const std::vector<std::array<double, 2>>& b,
                   const Labels& labels) {
  const int64_t n = static_cast<int64_t>(a.size());
  auto e = torch::empty({2 * n, 2}, torch::kDouble);
  std::vector<int64_t> f, s;
  for (int64_t k = 0; k < n; ++k) {
    e[k][0] = a[k][0], e[k][1] = a[k][1], e[n + k][0] = b[k][0], e[n + k][1] = b[k][1];
    f.push_back(k), s.push_back(n + k);
  }
  LossInput in;
  in.embeddings = e;
  in.pairs = Pairs::make(f, s, labels);
  return in;
}

Labels swapped(Labels l) {
  for (auto& x : l) x = x == S ? D : S;
  return l;
}

double value(const std::string& name, const LossInput& in, const std::map<std::string, Value>& o = {},
             LossContext ctx = {}) {
  auto loss = make_loss(name, ctx, o);
  loss->to(torch::kDouble);
  return loss->forward(in).item<double>();
}

// Random 2-D pairs in U(-1, 1) (distances straddle the unit margins) for the naive-loop oracles.
struct RandomPairs {
  std::vector<std::array<double, 2>> a, b;
  Labels labels;
  std::vector<double> weight;
  explicit RandomPairs(int n, unsigned seed = 42) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    for (int k = 0; k < n; ++k) {
      a.push_back({u(rng), u(rng)}), b.push_back({u(rng), u(rng)});
      labels.push_back(rng() % 2 ? S : D);
      weight.push_back(0.5 + 0.5 * (u(rng) + 1));
    }
  }
  double l2(int k) const { return std::hypot(a[k][0] - b[k][0], a[k][1] - b[k][1]); }
  double l1(int k) const { return std::abs(a[k][0] - b[k][0]) + std::abs(a[k][1] - b[k][1]); }
  LossInput input() const { return pairs_of(a, b, labels); }
};

// The hand-computed set: pair 1 same, (0,0)-(3,4): d = 5, d² = 25, L1 = 7;
// pair 2 different, (0,0)-(0.6,0): d = 0.6, d² = 0.36; pair 3 different, (1,1)-(1,3): d = 2, d² = 4.
const std::vector<std::array<double, 2>> kA = {{0, 0}, {0, 0}, {1, 1}};
const std::vector<std::array<double, 2>> kB = {{3, 4}, {0.6, 0}, {1, 3}};
const Labels kL = {S, D, D};

TEST(LossWeightedContrastive, HandComputedValues) {
  auto in = pairs_of(kA, kB, kL);
  in.pairs->weight = torch::tensor({2.0, 7.0, 7.0}, torch::kDouble);  // s_ij only weighs matching pairs
  // sum: s·d² = 2·25 = 50;  max(1 - 0.36, 0) = 0.64;  max(1 - 4, 0) = 0   -> 50.64
  EXPECT_NEAR(value("weighted_contrastive", in, {{"reducer", std::string("sum")}}), 50.64, 1e-12);
  // default reducer "caffe": 50.64 / (2·3) = 8.44
  EXPECT_NEAR(value("weighted_contrastive", in), 8.44, 1e-12);
  // No weight from the data: s = 1, and the value equals Caffe's legacy contrastive loss.
  auto plain = pairs_of(kA, kB, kL);
  EXPECT_NEAR(value("weighted_contrastive", plain), (25 + 0.64) / 6.0, 1e-12);
  EXPECT_NEAR(value("weighted_contrastive", plain), value("contrastive_legacy", plain), 1e-12);
}

TEST(LossWeightedContrastive, LabelConventionAndOracle) {
  auto in = pairs_of(kA, kB, kL), flipped = pairs_of(kA, kB, swapped(kL));
  // flipped: different (0,0)-(3,4): max(1 - 25, 0) = 0; same 0.36 and 4 -> (0.36 + 4) / 6
  EXPECT_NEAR(value("weighted_contrastive", flipped), 4.36 / 6.0, 1e-12);
  EXPECT_GT(std::abs(value("weighted_contrastive", in) - value("weighted_contrastive", flipped)), 1);
  RandomPairs r(300);
  auto rin = r.input();
  rin.pairs->weight = torch::tensor(r.weight, torch::kDouble);
  double expected = 0;
  for (int k = 0; k < 300; ++k) {
    const double d2 = r.l2(k) * r.l2(k);
    expected += r.labels[k] == S ? r.weight[k] * d2 : std::max(1.0 - d2, 0.0);
  }
  EXPECT_NEAR(value("weighted_contrastive", rin), expected / 600.0, 1e-9);
}

TEST(LossHingeEmbedding, HandComputedValuesAndLabels) {
  // same: d = 5;  different: max(0, 1 - 0.6) = 0.4;  different: max(0, 1 - 2) = 0   -> sum 5.4, mean 1.8
  auto in = pairs_of(kA, kB, kL);
  EXPECT_NEAR(value("hinge_embedding", in, {{"reducer", std::string("sum")}}), 5.4, 1e-9);
  EXPECT_NEAR(value("hinge_embedding", in), 1.8, 1e-9);
  // margin 4: different terms 3.4 and 2 -> (5 + 3.4 + 2) / 3
  EXPECT_NEAR(value("hinge_embedding", in, {{"margin", 4.0}}), 10.4 / 3, 1e-9);
  // flipped: different d = 5 -> 0; same 0.6 and 2 -> 2.6 / 3
  EXPECT_NEAR(value("hinge_embedding", pairs_of(kA, kB, swapped(kL))), 2.6 / 3, 1e-9);
  RandomPairs r(300);
  double expected = 0;
  for (int k = 0; k < 300; ++k) expected += r.labels[k] == S ? r.l2(k) : std::max(0.0, 1.0 - r.l2(k));
  EXPECT_NEAR(value("hinge_embedding", r.input()), expected / 300, 1e-9);
}

TEST(LossEnergyExp, HandComputedValues) {
  auto in = pairs_of(kA, kB, kL);
  // Q = 10. genuine, E = |3| + |4| = 7: (2/10)·49 = 9.8
  // impostor, E = 0.6: 2·10·exp(-2.77·0.6/10) = 20·exp(-0.1662)
  // impostor, E = 2:   20·exp(-2.77·2/10) = 20·exp(-0.554)
  const double expected = 9.8 + 20 * std::exp(-0.1662) + 20 * std::exp(-0.554);
  EXPECT_NEAR(value("energy_exp", in, {{"q", 10.0}, {"reducer", std::string("sum")}}), expected, 1e-9);
  // flipped labels: impostor E = 7: 20·exp(-1.939); genuine 0.2·0.36 and 0.2·4
  const double flipped = 20 * std::exp(-1.939) + 0.2 * 0.36 + 0.2 * 4;
  EXPECT_NEAR(value("energy_exp", pairs_of(kA, kB, swapped(kL)), {{"q", 10.0}, {"reducer", std::string("sum")}}),
              flipped, 1e-9);
  RandomPairs r(300);
  double oracle = 0;
  const double Q = 4;
  for (int k = 0; k < 300; ++k)
    oracle += r.labels[k] == S ? (2 / Q) * r.l1(k) * r.l1(k) : 2 * Q * std::exp(-2.77 * r.l1(k) / Q);
  EXPECT_NEAR(value("energy_exp", r.input(), {{"q", Q}}), oracle / 300, 1e-9);
}

TEST(LossEnergyExp, LimitsAtZeroEnergy) {
  // E = 0: genuine (2/Q)·0 = 0, impostor 2Q·exp(0) = 2Q.
  auto in = pairs_of({{1, 2}, {1, 2}}, {{1, 2}, {1, 2}}, {S, D});
  auto loss = std::dynamic_pointer_cast<EnergyExpLoss>(make_loss("energy_exp", {}, {{"q", 3.0}}));
  auto t = loss->terms(in).terms;
  EXPECT_NEAR(t[0].item<double>(), 0.0, 1e-12);
  EXPECT_NEAR(t[1].item<double>(), 6.0, 1e-12);
}

TEST(LossEnergyExp, QIsEstimatedOnceAndCheckpointed) {
  // Sample (0,0), (1,2), (-1,0): largest L1 energy |1 - (-1)| + |2 - 0| = 4; q_scale 2 -> Q = 8.
  auto sample = torch::tensor({0.0, 0.0, 1.0, 2.0, -1.0, 0.0}, torch::kDouble).view({3, 2});
  auto loss = std::dynamic_pointer_cast<EnergyExpLoss>(make_loss("energy_exp", {}, {{"q_scale", 2.0}}));
  EXPECT_EQ(loss->q(), 0.0);
  loss->prepare(sample);
  EXPECT_NEAR(loss->q(), 8.0, 1e-12);
  loss->prepare(10 * sample);  // frozen: a second prepare does not move it
  EXPECT_NEAR(loss->q(), 8.0, 1e-12);
  torch::serialize::OutputArchive out;
  loss->save(out);
  std::stringstream buf;
  out.save_to(buf);
  auto fresh = std::dynamic_pointer_cast<EnergyExpLoss>(make_loss("energy_exp", {}));
  torch::serialize::InputArchive in;
  in.load_from(buf);
  fresh->load(in);
  EXPECT_NEAR(fresh->q(), 8.0, 1e-12);
  // A fixed q is never re-estimated.
  auto fixed = std::dynamic_pointer_cast<EnergyExpLoss>(make_loss("energy_exp", {}, {{"q", 5.0}}));
  fixed->prepare(sample);
  EXPECT_EQ(fixed->q(), 5.0);
}

TEST(LossDdml, HandComputedValues) {
  // τ = 3, β = 2, ℓ = +1 same / -1 different, term ½·g(1 - ℓ(τ - d²)), g(z) = ½·log(1 + e^{2z}).
  // same, (0,0)-(1,0): d² = 1, z = 1 - (3 - 1) = -1, term ½·½·log(1 + e^{-2})
  // different, (0,0)-(0,2): d² = 4, z = 1 + (3 - 4) = 0, term ½·½·log 2
  auto in = pairs_of({{0, 0}, {0, 0}}, {{1, 0}, {0, 2}}, {S, D});
  const double t1 = 0.25 * std::log(1 + std::exp(-2.0)), t2 = 0.25 * std::log(2.0);
  EXPECT_NEAR(value("ddml", in, {{"reducer", std::string("sum")}}), t1 + t2, 1e-9);
  // flipped: different d² = 1: z = 1 + (3 - 1) = 3 -> ½·½·log(1 + e^6); same d² = 4: z = 1 - (3 - 4) = 2 -> ½·½·log(1 + e^4)
  const double f1 = 0.25 * std::log(1 + std::exp(6.0)), f2 = 0.25 * std::log(1 + std::exp(4.0));
  EXPECT_NEAR(value("ddml", pairs_of({{0, 0}, {0, 0}}, {{1, 0}, {0, 2}}, {D, S}), {{"reducer", std::string("sum")}}),
              f1 + f2, 1e-9);
  RandomPairs r(300);
  double oracle = 0;
  for (int k = 0; k < 300; ++k) {
    const double ell = r.labels[k] == S ? 1 : -1, z = 1 - ell * (1.5 - r.l2(k) * r.l2(k));
    oracle += 0.5 * std::log(1 + std::exp(3 * z)) / 3;
  }
  EXPECT_NEAR(value("ddml", r.input(), {{"tau", 1.5}, {"beta", 3.0}}), oracle / 300, 1e-9);
}

TEST(LossDdml, TendsToTheHingeAsBetaGrows) {
  // Hinge limit ½·max(z, 0): same d² = 1 -> z = -1 -> 0; different d² = 1 -> z = 3 -> 1.5;
  // same d² = 5, (0,0)-(1,2) -> z = 1 - (3 - 5) = 3 -> 1.5. Sum 3.
  auto in = pairs_of({{0, 0}, {0, 0}, {0, 0}}, {{1, 0}, {1, 0}, {1, 2}}, {S, D, S});
  double previous_gap = 1e9;
  for (double beta : {1.0, 10.0, 100.0, 1e4}) {
    const double gap = std::abs(value("ddml", in, {{"beta", beta}, {"reducer", std::string("sum")}}) - 3.0);
    EXPECT_LE(gap, previous_gap) << "beta " << beta;  // softplus's overflow guard makes large β exact
    previous_gap = gap;
  }
  EXPECT_LT(previous_gap, 1e-3);
  EXPECT_GT(std::abs(value("ddml", in, {{"beta", 1.0}, {"reducer", std::string("sum")}}) - 3.0), 0.1);  // smooth at β = 1
}

TEST(LossDdml, WeightPenaltyOnPenalizedParameters) {
  auto in = pairs_of({{0, 0}}, {{1, 0}}, {S});
  auto loss = std::dynamic_pointer_cast<DdmlLoss>(make_loss("ddml", {}, {{"lambda", 0.1}}));
  loss->to(torch::kDouble);
  const double base = loss->forward(in).item<double>();
  // (λ/2)·(||W||² + ||b||²) = 0.05·((1 + 4) + 9) = 0.7
  auto w = torch::tensor({1.0, 2.0}, torch::kDouble).requires_grad_(true);
  auto b = torch::tensor({3.0}, torch::kDouble).requires_grad_(true);
  loss->set_penalized_parameters({w, b});
  auto total = loss->forward(in);
  EXPECT_NEAR(total.item<double>() - base, 0.7, 1e-12);
  total.backward();
  EXPECT_TRUE(torch::allclose(w.grad(), 0.1 * w.detach()));  // d/dW (λ/2)||W||² = λW
  EXPECT_TRUE(torch::allclose(b.grad(), 0.1 * b.detach()));
}

TEST(LossDdml, LearnableTau) {
  auto fixed = make_loss("ddml", {});
  EXPECT_TRUE(fixed->parameters().empty());
  auto learned = std::dynamic_pointer_cast<DdmlLoss>(make_loss("ddml", {}, {{"learn_tau", true}, {"tau", 2.5}}));
  ASSERT_EQ(learned->parameters().size(), 1u);
  EXPECT_NEAR(learned->tau(), 2.5, 1e-6);
}

TEST(LossCosineTarget, HandComputedValuesAndLabels) {
  // (1,0)-(1,1): cos = 1/√2. same (t = +1): ½(1/√2 - 1)²; forgery (t = -1): ½(1/√2 + 1)²
  // (2,0)-(5,0): cos = 1: same ½·0 = 0, forgery ½·4 = 2 (the limits)
  const double c = 1 / std::sqrt(2.0);
  auto in = pairs_of({{1, 0}, {2, 0}}, {{1, 1}, {5, 0}}, {S, D});
  EXPECT_NEAR(value("cosine_target", in, {{"reducer", std::string("sum")}}), 0.5 * std::pow(c - 1, 2) + 2.0, 1e-9);
  auto flipped = pairs_of({{1, 0}, {2, 0}}, {{1, 1}, {5, 0}}, {D, S});
  EXPECT_NEAR(value("cosine_target", flipped, {{"reducer", std::string("sum")}}), 0.5 * std::pow(c + 1, 2), 1e-9);
  RandomPairs r(300);
  double oracle = 0;
  for (int k = 0; k < 300; ++k) {
    const double cs = (r.a[k][0] * r.b[k][0] + r.a[k][1] * r.b[k][1]) /
                      (std::hypot(r.a[k][0], r.a[k][1]) * std::hypot(r.b[k][0], r.b[k][1]));
    oracle += 0.5 * std::pow(cs - (r.labels[k] == S ? 1 : -1), 2);
  }
  EXPECT_NEAR(value("cosine_target", r.input()), oracle / 300, 1e-9);
  // It needs a similarity: a distance is a ConfigError.
  LossContext ctx;
  ctx.distance = make_distance("euclidean", 2);
  EXPECT_THROW(make_loss("cosine_target", ctx), ConfigError);
}

LossContext deepid2_ctx() {
  LossContext ctx;
  ctx.embedding_dim = 2;
  ctx.num_classes = 4;
  return ctx;
}

// Zeroes the classifier: every logit is 0, so the identification loss is log(num_classes) = log 4.
void zero_classifier(Loss& loss) {
  torch::NoGradGuard g;
  for (auto& kv : loss.named_parameters())
    if (kv.key().rfind("classifier.", 0) == 0) kv.value().zero_();
}

TEST(LossDeepId2, HandComputedL2Form) {
  // Pairs: same (0,0)-(0.5,0): d = 0.5 -> ½·0.25 = 0.125; different (0,0)-(0.6,0), m = 1: ½·0.4² = 0.08.
  // Ident = log 4 (zero classifier). L = log 4 + λ·(0.125 + 0.08)/2, λ = 0.05.
  auto in = pairs_of({{0, 0}, {0, 0}}, {{0.5, 0}, {0.6, 0}}, {S, D});
  in.labels = torch::tensor({0, 1, 0, 2}, torch::kLong);
  auto loss = make_loss("deepid2", deepid2_ctx());
  loss->to(torch::kDouble);
  zero_classifier(*loss);
  loss->eval();
  EXPECT_NEAR(loss->forward(in).item<double>(), std::log(4.0) + 0.05 * 0.205 / 2, 1e-9);
  // flipped: different d = 0.5: ½·0.25 = 0.125; same d = 0.6: ½·0.36 = 0.18
  auto flipped = pairs_of({{0, 0}, {0, 0}}, {{0.5, 0}, {0.6, 0}}, {D, S});
  flipped.labels = in.labels;
  EXPECT_NEAR(loss->forward(flipped).item<double>(), std::log(4.0) + 0.05 * 0.305 / 2, 1e-9);
  // λ is a parameter: λ = 0 leaves identification only.
  auto ident_only = make_loss("deepid2", deepid2_ctx(), {{"lambda", 0.0}});
  ident_only->to(torch::kDouble);
  zero_classifier(*ident_only);
  EXPECT_NEAR(ident_only->forward(in).item<double>(), std::log(4.0), 1e-9);
}

TEST(LossDeepId2, HandComputedCosineForm) {
  // w = 1, b = 0, 0/1 targets: same with cos = 1 ((1,0)-(2,0)): ½(1 - σ(1))²;
  // different with cos = 0 ((1,0)-(0,3)): ½(0 - σ(0))² = ½·0.25.
  auto in = pairs_of({{1, 0}, {1, 0}}, {{2, 0}, {0, 3}}, {S, D});
  in.labels = torch::tensor({0, 1, 0, 2}, torch::kLong);
  auto loss = make_loss("deepid2", deepid2_ctx(), {{"form", std::string("cosine")}});
  loss->to(torch::kDouble);
  zero_classifier(*loss);
  const double s1 = 1 / (1 + std::exp(-1.0));
  const double verif = (0.5 * std::pow(1 - s1, 2) + 0.125) / 2;
  EXPECT_NEAR(loss->forward(in).item<double>(), std::log(4.0) + 0.05 * verif, 1e-9);
  EXPECT_TRUE(loss->distance()->is_similarity());
  // w and b plus the classifier's weight and bias are trained.
  EXPECT_EQ(loss->parameters().size(), 4u);
}

TEST(LossDeepId2, ClassifierIsSizedFromTheContext) {
  auto loss = make_loss("deepid2", deepid2_ctx());
  bool found = false;
  for (auto& kv : loss->named_parameters())
    if (kv.key() == "classifier.weight") {
      found = true;
      EXPECT_EQ(kv.value().sizes(), (std::vector<int64_t>{4, 2}));
    }
  EXPECT_TRUE(found);
  EXPECT_THROW(make_loss("deepid2", {}), ConfigError);  // no classes known
  LossInput in = pairs_of({{0, 0}}, {{1, 0}}, {S});
  EXPECT_THROW(loss->forward(in), ConfigError);  // no labels
  in.labels = torch::tensor({0, 9}, torch::kLong);
  EXPECT_THROW(loss->forward(in), DataError);  // label out of range
}

TEST(LossDeepId2, BestThreshold) {
  // d:    0.1 0.2 0.3 0.4 0.5 0.6;  same: s s d s d d.
  // t = 0.2: errors = #(same > 0.2) + #(diff <= 0.2) = 1 + 0 = 1; t = 0.4: 0 + 1 = 1; others >= 2.
  // The first (smallest) best threshold wins: 0.2.
  auto d = torch::tensor({0.4, 0.1, 0.6, 0.2, 0.5, 0.3}, torch::kDouble);
  auto same = torch::tensor({true, true, false, true, false, false});
  EXPECT_NEAR(DeepId2Loss::best_threshold(d, same), 0.2, 1e-12);
}

TEST(LossDeepId2, MarginIsResetEveryNTrainingPairs) {
  // Six pairs from the origin to (d_k, 0) with the distances and labels of BestThreshold: after 6 pairs
  // in training mode the margin becomes 0.2; in eval mode it stays.
  std::vector<std::array<double, 2>> a(6, {0, 0}), b;
  for (double x : {0.4, 0.1, 0.6, 0.2, 0.5, 0.3}) b.push_back({x, 0});
  auto in = pairs_of(a, b, {S, S, D, S, D, D});
  in.labels = torch::tensor({0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1}, torch::kLong);
  auto frozen = std::dynamic_pointer_cast<DeepId2Loss>(make_loss("deepid2", deepid2_ctx(), {{"margin_every", int64_t{6}}}));
  frozen->to(torch::kDouble);
  frozen->eval();
  frozen->forward(in);
  EXPECT_NEAR(frozen->margin(), 1.0, 1e-12);
  auto loss = std::dynamic_pointer_cast<DeepId2Loss>(make_loss("deepid2", deepid2_ctx(), {{"margin_every", int64_t{6}}}));
  loss->to(torch::kDouble);
  loss->train();
  loss->forward(in);
  EXPECT_NEAR(loss->margin(), 0.2, 1e-6);
  bool buffered = false;
  for (auto& kv : loss->named_buffers()) buffered |= kv.key() == "margin";
  EXPECT_TRUE(buffered);
}

TEST(LossDeepId2, MarginWindowSurvivesSaveAndLoad) {
  // The same six pairs in two halves, with a save/load between them (a resumed run): the restored loss must
  // complete the window and re-set m to 0.2 at the sixth pair, as the uninterrupted one does.
  auto half = [](std::vector<double> xs, std::vector<PairLabel> labels, std::vector<int64_t> classes) {
    std::vector<std::array<double, 2>> a(3, {0, 0}), b;
    for (double x : xs) b.push_back({x, 0});
    auto in = pairs_of(a, b, labels);
    in.labels = torch::tensor(classes, torch::kLong);
    return in;
  };
  auto first = half({0.4, 0.1, 0.6}, {S, S, D}, {0, 0, 0, 0, 0, 1});
  auto second = half({0.2, 0.5, 0.3}, {S, D, D}, {0, 0, 0, 1, 0, 1});
  auto make = [] {
    auto l = std::dynamic_pointer_cast<DeepId2Loss>(make_loss("deepid2", deepid2_ctx(), {{"margin_every", int64_t{6}}}));
    l->to(torch::kDouble);
    l->train();
    return l;
  };
  auto before = make();
  before->forward(first);
  EXPECT_EQ(before->window_size(), 3);
  std::stringstream buffer;
  {
    torch::serialize::OutputArchive out;
    before->save(out);
    out.save_to(buffer);
  }
  auto after = make();
  torch::serialize::InputArchive in;
  in.load_from(buffer);
  after->load(in);
  EXPECT_EQ(after->window_size(), 3);
  after->forward(second);
  EXPECT_NEAR(after->margin(), 0.2, 1e-6);
  EXPECT_EQ(after->window_size(), 0);
  // A fresh loss that never saw the first half does not re-set m yet.
  auto fresh = make();
  fresh->forward(second);
  EXPECT_NEAR(fresh->margin(), 1.0, 1e-12);
}

}  // namespace
}  // namespace siamese
