// Caffe's SGD rule, Adam, and the learning-rate policies, against values worked out by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "siamese/train/optimizer.h"
#include "siamese/train/recipe.h"

namespace siamese {
namespace {

Params section(const std::string& name, std::vector<std::string> overrides) {
  for (auto& o : overrides) o = name + "." + o;
  return load_recipe_string("", "t.toml", overrides).params(name);
}

TEST(Optimizer, CaffeSgdRuleWithLrMultAndDecay) {
  // w = 1 (weight group), b = 1 (bias group, lr_mult 2, decay_mult 0); gradient 0.5 each step.
  // Caffe: v = m v + lr·mult·(g + wd·dmult·w); w -= v.  lr 0.1, m 0.9, wd 0.1.
  // weight step 1: v = 0.1·(0.5 + 0.1·1) = 0.06, w = 0.94
  //        step 2: v = 0.9·0.06 + 0.1·(0.5 + 0.094) = 0.054 + 0.0594 = 0.1134, w = 0.8266
  // bias   step 1: v = 0.2·0.5 = 0.1, b = 0.9;  step 2: v = 0.09 + 0.1 = 0.19, b = 0.71
  auto w = torch::ones({1}, torch::kDouble).requires_grad_(true);
  auto b = torch::ones({1}, torch::kDouble).requires_grad_(true);
  Optimizer opt({{{w}, 1.0, 1.0}, {{b}, 2.0, 0.0}},
                section("optimizer", {"lr=0.1", "momentum=0.9", "weight_decay=0.1"}));
  for (int k = 0; k < 2; ++k) {
    opt.zero_grad();
    ((w + b) * 0.5).sum().backward();
    opt.step(0.1);
  }
  EXPECT_NEAR(w.item<double>(), 0.8266, 1e-12);
  EXPECT_NEAR(b.item<double>(), 0.71, 1e-12);
}

TEST(Optimizer, StateRoundTripContinuesIdentically) {
  auto run = [](int split) {
    auto w = torch::tensor({1.0, -2.0}, torch::kDouble).requires_grad_(true);
    Params p = section("optimizer", {"type=\"adam\"", "lr=0.05"});
    auto opt = std::make_unique<Optimizer>(std::vector<ParamGroup>{{{w}, 1.0, 1.0}}, p);
    for (int k = 0; k < 6; ++k) {
      if (k == split) {  // simulate a restart from saved state
        auto state = opt->state();
        for (auto& t : state) t = t.clone();
        opt = std::make_unique<Optimizer>(std::vector<ParamGroup>{{{w}, 1.0, 1.0}}, p);
        opt->load_state(state);
      }
      opt->zero_grad();
      (w * w).sum().backward();
      opt->step(0.05);
    }
    return w.detach().clone();
  };
  EXPECT_TRUE(torch::equal(run(-1), run(3)));
}

TEST(Optimizer, LearningRatePolicies) {
  // inv: 0.01·(1 + 1e-4·50000)^-0.75 = 0.01·6^-0.75 ≈ 0.0026 (Caffe's example at its last iteration)
  EXPECT_NEAR(learning_rate(section("schedule", {"policy=\"inv\""}), 0.01, 50000, 50000),
              0.01 * std::pow(6.0, -0.75), 1e-15);
  EXPECT_DOUBLE_EQ(learning_rate(section("schedule", {"policy=\"fixed\""}), 0.01, 999, 1000), 0.01);
  // step: gamma^floor(t / step_size) = 0.5^2 at t = 25, step 10
  EXPECT_DOUBLE_EQ(learning_rate(section("schedule", {"policy=\"step\"", "gamma=0.5", "step_size=10"}), 1.0, 25, 100), 0.25);
  EXPECT_DOUBLE_EQ(learning_rate(section("schedule", {"policy=\"poly\"", "power=1.0"}), 1.0, 25, 100), 0.75);
}

}  // namespace
}  // namespace siamese
