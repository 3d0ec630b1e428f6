// Tests of the PNG plots: the files are written and decodable at the requested size, they are not
// blank (the palette's colours are present), bad paths throw DataError, and pca_2d keeps the geometry
// of data lying in a plane. Set SIAMESE_KEEP_TEST_OUTPUT=1 to keep the figures for a look.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "siamese/core/error.h"
#include "siamese/viz/plot.h"

namespace siamese {
namespace {

namespace fs = std::filesystem;

class PlotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) / (std::string("siamese_plot_") + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    const char* keep = std::getenv("SIAMESE_KEEP_TEST_OUTPUT");
    if (keep == nullptr || std::string(keep) != "1") fs::remove_all(dir_);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

// Number of distinct colours (quantised to 32 levels per channel) among clearly saturated pixels, and
// the count of such pixels: grey text, frame and grid are not counted.
struct ColourStats {
  size_t distinct = 0;
  int64_t saturated_pixels = 0;
};

ColourStats colour_stats(const cv::Mat& img) {
  std::set<int> colours;
  ColourStats st;
  for (int r = 0; r < img.rows; ++r) {
    for (int c = 0; c < img.cols; ++c) {
      const cv::Vec3b p = img.at<cv::Vec3b>(r, c);
      const int mx = std::max({p[0], p[1], p[2]}), mn = std::min({p[0], p[1], p[2]});
      if (mx - mn < 60) continue;
      ++st.saturated_pixels;
      colours.insert((p[0] / 32) * 64 + (p[1] / 32) * 8 + p[2] / 32);
    }
  }
  st.distinct = colours.size();
  return st;
}

bool has_colour_near(const cv::Mat& img, cv::Vec3b bgr, int tol) {
  for (int r = 0; r < img.rows; ++r)
    for (int c = 0; c < img.cols; ++c) {
      const cv::Vec3b p = img.at<cv::Vec3b>(r, c);
      if (std::abs(p[0] - bgr[0]) <= tol && std::abs(p[1] - bgr[1]) <= tol && std::abs(p[2] - bgr[2]) <= tol)
        return true;
    }
  return false;
}

TEST_F(PlotTest, ScatterIsWrittenWithRequestedSizeAndColours) {
  torch::manual_seed(1);
  const int64_t per_class = 150, classes = 4;
  std::vector<torch::Tensor> parts;
  for (int64_t c = 0; c < classes; ++c) {
    const double angle = 2 * M_PI * static_cast<double>(c) / classes;
    parts.push_back(torch::randn({per_class, 2}) * 0.6 +
                    torch::tensor({4 * std::cos(angle), 4 * std::sin(angle)}).to(torch::kFloat));
  }
  const torch::Tensor pts = torch::cat(parts);
  const torch::Tensor labels = torch::arange(classes, torch::kLong).repeat_interleave(per_class);
  const std::string file = path("scatter.png");
  plot_scatter(file, pts, labels, {"zero", "one", "two", "three"}, "Embeddings (test split)");

  const cv::Mat img = cv::imread(file, cv::IMREAD_COLOR);
  ASSERT_FALSE(img.empty());
  EXPECT_EQ(img.cols, 900);
  EXPECT_EQ(img.rows, 700);
  const ColourStats st = colour_stats(img);
  EXPECT_GE(st.distinct, 4u);
  EXPECT_GT(st.saturated_pixels, 2000);
  // The legend swatches are drawn opaque: the first tab10 colours (#1f77b4, #ff7f0e) appear exactly.
  EXPECT_TRUE(has_colour_near(img, cv::Vec3b(0xb4, 0x77, 0x1f), 6));
  EXPECT_TRUE(has_colour_near(img, cv::Vec3b(0x0e, 0x7f, 0xff), 6));
  // The background is white.
  EXPECT_EQ(img.at<cv::Vec3b>(2, 2), cv::Vec3b(255, 255, 255));
}

TEST_F(PlotTest, ScatterHandlesManyClassesCustomSizeAndOddLabels) {
  torch::manual_seed(2);
  const torch::Tensor pts = torch::randn({3000, 2}, torch::kDouble);
  const torch::Tensor labels = torch::randint(0, 40, {3000}, torch::kLong);  // more classes than fit
  const std::string file = path("many.png");
  plot_scatter(file, pts, labels, {}, "40 classes", PlotSize{640, 480});
  const cv::Mat img = cv::imread(file, cv::IMREAD_COLOR);
  ASSERT_FALSE(img.empty());
  EXPECT_EQ(img.cols, 640);
  EXPECT_EQ(img.rows, 480);
  EXPECT_GE(colour_stats(img).distinct, 10u);

  // Negative labels, one point, a non-finite point: still a valid figure.
  const std::string file2 = path("odd.png");
  plot_scatter(file2, torch::tensor({0.0, 1.0, std::nan(""), 2.0}).view({2, 2}), torch::tensor({-3, 7}, torch::kLong),
               {}, "odd");
  EXPECT_FALSE(cv::imread(file2).empty());
  // No points at all: axes only.
  plot_scatter(path("empty.png"), torch::zeros({0, 2}), torch::zeros({0}, torch::kLong), {}, "empty");
  EXPECT_FALSE(cv::imread(path("empty.png")).empty());
}

TEST_F(PlotTest, RocAndLossCurves) {
  Series a{"model A (AUC 0.93)", {}, {}}, b{"model B (AUC 0.81)", {}, {}};
  for (int i = 0; i <= 100; ++i) {
    const double x = i / 100.0;
    a.x.push_back(x);
    a.y.push_back(std::pow(x, 0.12));
    b.x.push_back(x);
    b.y.push_back(std::pow(x, 0.35));
  }
  const std::string roc = path("roc.png");
  plot_lines(roc, {a, b}, "ROC (test pairs)", "false accept rate", "true accept rate", false, true);
  cv::Mat img = cv::imread(roc, cv::IMREAD_COLOR);
  ASSERT_FALSE(img.empty());
  EXPECT_EQ(img.cols, 900);
  EXPECT_EQ(img.rows, 700);
  EXPECT_GE(colour_stats(img).distinct, 2u);
  EXPECT_GT(colour_stats(img).saturated_pixels, 1000);

  Series train{"train", {}, {}}, val{"val", {}, {}};
  for (int step = 0; step < 200; ++step) {
    train.x.push_back(step);
    train.y.push_back(2.0 * std::exp(-step / 40.0) + 0.01);
    if (step % 10 == 0) {
      val.x.push_back(step);
      val.y.push_back(2.2 * std::exp(-step / 50.0) + 0.05);
    }
  }
  train.y[50] = NAN;  // a gap in the line is tolerated
  const std::string loss = path("loss.png");
  plot_lines(loss, {train, val}, "Training loss", "step", "loss", /*log_y=*/true);
  img = cv::imread(loss, cv::IMREAD_COLOR);
  ASSERT_FALSE(img.empty());
  EXPECT_GE(colour_stats(img).distinct, 2u);

  plot_lines(path("flat.png"), {Series{"flat", {0, 1, 2}, {1, 1, 1}}}, "flat", "x", "y");
  EXPECT_FALSE(cv::imread(path("flat.png")).empty());
  EXPECT_THROW(plot_lines(path("bad.png"), {Series{"bad", {0, 1}, {1}}}, "t", "x", "y"), DataError);
}

TEST_F(PlotTest, UnwritablePathThrowsDataErrorNamingTheFile) {
  const std::string missing_dir = path("no/such/dir/plot.png");
  try {
    plot_lines(missing_dir, {Series{"s", {0, 1}, {0, 1}}}, "t", "x", "y");
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find(missing_dir), std::string::npos) << e.what();
  }
  EXPECT_THROW(plot_scatter(missing_dir, torch::zeros({2, 2}), torch::zeros({2}, torch::kLong), {}, "t"),
               DataError);
  // An extension no encoder knows: OpenCV throws, which becomes DataError.
  EXPECT_THROW(plot_lines(path("plot.not_an_image"), {Series{"s", {0, 1}, {0, 1}}}, "t", "x", "y"), DataError);
  EXPECT_THROW(plot_scatter(path("x.png"), torch::zeros({3, 3}), torch::zeros({3}, torch::kLong), {}, "t"),
               DataError);
  EXPECT_THROW(plot_scatter(path("x.png"), torch::zeros({3, 2}), torch::zeros({2}, torch::kLong), {}, "t"),
               DataError);
}

TEST(PlotPca, KeepsPlanarGeometry) {
  torch::manual_seed(4);
  // Points in a 2-D plane of R^6 (orthonormal basis q), offset from the origin.
  const torch::Tensor q = std::get<0>(torch::linalg::qr(torch::randn({6, 2}, torch::kDouble)));
  const torch::Tensor z = torch::randn({200, 2}, torch::kDouble) * torch::tensor({3.0, 0.5}, torch::kDouble);
  const torch::Tensor x = z.matmul(q.t()) + 5.0;
  const torch::Tensor p = pca_2d(x);
  ASSERT_EQ(p.sizes(), (std::vector<int64_t>{200, 2}));
  EXPECT_EQ(p.scalar_type(), torch::kDouble);
  // Pairwise distances survive the projection; the first component carries the larger variance.
  // (cdist uses the matmul expansion for large inputs, so allow its rounding.)
  EXPECT_TRUE(torch::allclose(torch::cdist(p, p), torch::cdist(x, x), 1e-6, 1e-6));
  EXPECT_GT(p.select(1, 0).var().item<double>(), p.select(1, 1).var().item<double>());
  EXPECT_NEAR(p.mean(0).abs().max().item<double>(), 0.0, 1e-9);  // centred
  // Deterministic, float in -> float out.
  EXPECT_TRUE(torch::equal(pca_2d(x), p));
  EXPECT_EQ(pca_2d(x.to(torch::kFloat)).scalar_type(), torch::kFloat);
  // d == 2 is returned as is; d == 1 gets a zero second column.
  const torch::Tensor two = torch::randn({5, 2});
  EXPECT_TRUE(torch::equal(pca_2d(two), two));
  const torch::Tensor one = pca_2d(torch::ones({3, 1}));
  EXPECT_EQ(one.sizes(), (std::vector<int64_t>{3, 2}));
  EXPECT_THROW(pca_2d(torch::zeros({3})), DataError);
}

}  // namespace
}  // namespace siamese
