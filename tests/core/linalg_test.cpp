// principal_directions: known axes of a rotated, stretched cloud; order, unit length, sign rule.
#include <gtest/gtest.h>

#include <cmath>

#include "siamese/core/linalg.h"

namespace siamese {
namespace {

TEST(PrincipalDirections, RecoversTheAxesOfARotatedCloudInOrderWithAFixedSign) {
  torch::manual_seed(3);
  // Variance 9 along u = (1, 1)/sqrt2, 1 along v = (1, -1)/sqrt2, 0.01 along z; shifted by (5, -2, 7).
  const int64_t n = 4000;
  auto a = torch::randn({n, 1}, torch::kDouble) * 3.0, b = torch::randn({n, 1}, torch::kDouble),
       c = torch::randn({n, 1}, torch::kDouble) * 0.1;
  const double s = 1.0 / std::sqrt(2.0);
  auto x = torch::cat({s * (a + b), s * (a - b), c}, 1) + torch::tensor({5.0, -2.0, 7.0}, torch::kDouble);
  auto p = principal_directions(x, 3);
  ASSERT_EQ(p.sizes(), (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(p.scalar_type(), torch::kDouble);
  // The largest-magnitude entry of each row is positive, so the expected rows are known exactly.
  auto expected = torch::tensor({{s, s, 0.0}, {s, -s, 0.0}, {0.0, 0.0, 1.0}}, torch::kDouble);
  EXPECT_TRUE(torch::allclose(p, expected, 0, 0.03)) << p;
  EXPECT_TRUE(torch::allclose(p.matmul(p.t()), torch::eye(3, torch::kDouble), 0, 1e-10));
  // k < d gives the leading rows; float input is accepted and the result is float64.
  auto top = principal_directions(x.to(torch::kFloat), 1);
  EXPECT_TRUE(torch::allclose(top, expected.slice(0, 0, 1), 0, 0.03)) << top;
  // Flipping the data's sign flips every direction, and the sign rule flips it back.
  EXPECT_TRUE(torch::allclose(principal_directions(-x, 3), p, 0, 1e-10));
}

}  // namespace
}  // namespace siamese
