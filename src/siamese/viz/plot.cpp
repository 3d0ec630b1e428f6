#include "siamese/viz/plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "siamese/core/error.h"
#include "siamese/core/linalg.h"

namespace siamese {
namespace {

// ---------------------------------------------------------------------------------------------------
// Colours (OpenCV images are BGR).

cv::Scalar from_rgb(uint32_t hex) {
  return cv::Scalar(hex & 0xff, (hex >> 8) & 0xff, (hex >> 16) & 0xff);
}

cv::Scalar from_hsv(double h_degrees, double s, double v) {
  const double c = v * s;
  const double hp = std::fmod(h_degrees, 360.0) / 60.0;
  const double x = c * (1.0 - std::fabs(std::fmod(hp, 2.0) - 1.0));
  double r = 0, g = 0, b = 0;
  if (hp < 1) { r = c; g = x; }
  else if (hp < 2) { r = x; g = c; }
  else if (hp < 3) { g = c; b = x; }
  else if (hp < 4) { g = x; b = c; }
  else if (hp < 5) { r = x; b = c; }
  else { r = c; b = x; }
  const double m = v - c;
  return cv::Scalar(std::lround((b + m) * 255), std::lround((g + m) * 255), std::lround((r + m) * 255));
}

// tab10-like qualitative palette, then hues spaced by the golden angle (distinct for many classes).
cv::Scalar palette(int64_t slot) {
  static const uint32_t kTab10[10] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                      0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
  if (slot >= 0 && slot < 10) return from_rgb(kTab10[slot]);
  const double hue = std::fmod(static_cast<double>(slot - 10) * 137.50776405 + 15.0, 360.0);
  const double sat = (slot % 2 == 0) ? 0.70 : 0.55;
  const double val = (slot % 3 == 0) ? 0.70 : 0.88;
  return from_hsv(hue, sat, val);
}

const cv::Scalar kWhite(255, 255, 255);
const cv::Scalar kText(40, 40, 40);
const cv::Scalar kFrame(90, 90, 90);
const cv::Scalar kGrid(232, 232, 232);
const cv::Scalar kChance(150, 150, 150);
constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;
constexpr double kTickScale = 0.45;
constexpr double kLabelScale = 0.55;
constexpr double kTitleScale = 0.75;
constexpr double kLegendScale = 0.5;
constexpr int kShift = 4;  // sub-pixel bits for cv drawing calls
constexpr double kShiftScale = 1 << kShift;

cv::Point fixed(const cv::Point2d& p) {
  return cv::Point(static_cast<int>(std::lround(p.x * kShiftScale)),
                   static_cast<int>(std::lround(p.y * kShiftScale)));
}

cv::Size text_size(const std::string& s, double scale, int thickness = 1) {
  int baseline = 0;
  return cv::getTextSize(s, kFont, scale, thickness, &baseline);
}

void put_text(cv::Mat& img, const std::string& s, cv::Point baseline_left, double scale,
              const cv::Scalar& color = kText, int thickness = 1) {
  cv::putText(img, s, baseline_left, kFont, scale, color, thickness, cv::LINE_AA);
}

// Text rotated 90 degrees counter-clockwise, centred on (cx, cy); drawn on white then pasted.
void put_vertical_text(cv::Mat& img, const std::string& s, int cx, int cy, double scale) {
  if (s.empty()) return;
  int baseline = 0;
  const cv::Size ts = cv::getTextSize(s, kFont, scale, 1, &baseline);
  cv::Mat tmp(ts.height + baseline + 4, ts.width + 4, CV_8UC3, kWhite);
  put_text(tmp, s, cv::Point(2, ts.height + 2), scale);
  cv::Mat rotated;
  cv::rotate(tmp, rotated, cv::ROTATE_90_COUNTERCLOCKWISE);
  cv::Rect dst(cx - rotated.cols / 2, cy - rotated.rows / 2, rotated.cols, rotated.rows);
  const cv::Rect clipped = dst & cv::Rect(0, 0, img.cols, img.rows);
  if (clipped.area() == 0) return;
  rotated(cv::Rect(clipped.x - dst.x, clipped.y - dst.y, clipped.width, clipped.height))
      .copyTo(img(clipped));
}

std::string shorten(const std::string& s, size_t max_chars) {
  if (s.size() <= max_chars) return s;
  return s.substr(0, max_chars - 3) + "...";
}

// ---------------------------------------------------------------------------------------------------
// Axes.

struct Axis {
  double lo = 0, hi = 1;  // visible range, in transformed units (log10 of the value when log)
  bool log = false;
  std::vector<double> ticks;  // transformed units
  std::vector<std::string> labels;

  double transform(double v) const { return log ? std::log10(v) : v; }
  bool valid(double v) const { return std::isfinite(v) && (!log || v > 0); }
};

double nice_step(double raw) {
  const double e = std::floor(std::log10(raw));
  const double base = std::pow(10.0, e);
  const double f = raw / base;
  const double nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  return nf * base;
}

std::string format_tick(double v, double step) {
  char buf[64];
  const double mag = std::max(std::fabs(v), step);
  if (mag >= 1e6 || step < 1e-4) {
    std::snprintf(buf, sizeof buf, "%.3g", v);
  } else {
    const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  }
  std::string s = buf;
  if (s.find_first_not_of("-0.") == std::string::npos && s[0] == '-') s = s.substr(1);  // "-0.0"
  return s;
}

// Data extent [lo, hi] (transformed), padded, with nice linear ticks.
Axis linear_axis(double lo, double hi, int target_ticks, double pad_fraction) {
  Axis a;
  if (!(std::isfinite(lo) && std::isfinite(hi))) {
    lo = 0;
    hi = 1;
  }
  if (hi - lo <= 1e-12 * std::max(1.0, std::fabs(lo))) {
    const double half = lo == 0 ? 0.5 : std::fabs(lo) * 0.1;
    lo -= half;
    hi += half;
  }
  const double pad = (hi - lo) * pad_fraction;
  a.lo = lo - pad;
  a.hi = hi + pad;
  const double step = nice_step((a.hi - a.lo) / std::max(1, target_ticks - 1));
  for (double k = std::ceil(a.lo / step); k * step <= a.hi + 1e-9 * step; k += 1) {
    double t = k * step;
    if (std::fabs(t) < 1e-9 * step) t = 0;
    a.ticks.push_back(t);
    a.labels.push_back(format_tick(t, step));
  }
  return a;
}

// Positive data extent [lo, hi] (raw values), base-10 axis.
Axis log_axis(double lo, double hi) {
  Axis a;
  a.log = true;
  double l = (std::isfinite(lo) && lo > 0) ? std::log10(lo) : 0.0;
  double h = (std::isfinite(hi) && hi > 0) ? std::log10(hi) : 1.0;
  if (h - l < 1e-9) {
    l -= 0.5;
    h += 0.5;
  }
  const double pad = (h - l) * 0.04;
  a.lo = l - pad;
  a.hi = h + pad;
  const int first = static_cast<int>(std::floor(a.lo)), last = static_cast<int>(std::ceil(a.hi));
  const int decades = last - first;
  const int every = std::max(1, decades / 8);  // at most ~8 decade labels
  std::vector<double> mantissas = {1.0};
  if (std::floor(a.hi) - std::ceil(a.lo) < 2) mantissas = {1.0, 2.0, 5.0};  // under 3 decade ticks
  for (int e = first; e <= last; ++e) {
    if ((e - first) % every != 0) continue;
    for (double m : mantissas) {
      const double t = std::log10(m) + e;
      if (t < a.lo || t > a.hi) continue;
      char buf[32];
      const double v = m * std::pow(10.0, e);
      if (e >= -3 && e <= 4)
        std::snprintf(buf, sizeof buf, "%g", v);
      else
        std::snprintf(buf, sizeof buf, "%ge%d", m, e);
      a.ticks.push_back(t);
      a.labels.push_back(buf);
    }
  }
  return a;
}

struct Frame {
  cv::Mat img;
  cv::Rect area;  // the axes' inner rectangle
  Axis x, y;

  // Pixel position (sub-pixel) of a transformed value pair.
  cv::Point2d px(double tx, double ty) const {
    const double fx = (tx - x.lo) / (x.hi - x.lo);
    const double fy = (ty - y.lo) / (y.hi - y.lo);
    return {area.x + fx * (area.width - 1), area.y + (1.0 - fy) * (area.height - 1)};
  }
};

void check_size(const PlotSize& size) {
  SIAMESE_CHECK(size.width >= 200 && size.height >= 150 && size.width <= 20000 && size.height <= 20000,
                ConfigError, "plot size must be at least 200 x 150 (and at most 20000), got ", size.width,
                " x ", size.height);
}

// Lays out the axes (margins from the tick label widths), draws grid, frame, ticks, labels and title.
Frame make_frame(const PlotSize& size, Axis x, Axis y, const std::string& title, const std::string& xlabel,
                 const std::string& ylabel, int right_margin) {
  Frame f;
  f.img = cv::Mat(size.height, size.width, CV_8UC3, kWhite);
  f.x = std::move(x);
  f.y = std::move(y);
  int max_ytick = 0;
  for (const auto& l : f.y.labels) max_ytick = std::max(max_ytick, text_size(l, kTickScale).width);
  const int left = 14 + (ylabel.empty() ? 0 : 26) + max_ytick + 10;
  const int top = title.empty() ? 24 : 56;
  const int bottom = 34 + (xlabel.empty() ? 0 : 30);
  f.area = cv::Rect(left, top, std::max(50, size.width - left - right_margin),
                    std::max(50, size.height - top - bottom));
  cv::Mat& img = f.img;
  const cv::Rect& a = f.area;

  for (size_t i = 0; i < f.x.ticks.size(); ++i) {
    const int xp = static_cast<int>(std::lround(f.px(f.x.ticks[i], f.y.lo).x));
    cv::line(img, {xp, a.y}, {xp, a.y + a.height - 1}, kGrid, 1);
    cv::line(img, {xp, a.y + a.height}, {xp, a.y + a.height + 5}, kFrame, 1);
    const cv::Size ts = text_size(f.x.labels[i], kTickScale);
    put_text(img, f.x.labels[i], {xp - ts.width / 2, a.y + a.height + 10 + ts.height}, kTickScale);
  }
  for (size_t i = 0; i < f.y.ticks.size(); ++i) {
    const int yp = static_cast<int>(std::lround(f.px(f.x.lo, f.y.ticks[i]).y));
    cv::line(img, {a.x, yp}, {a.x + a.width - 1, yp}, kGrid, 1);
    cv::line(img, {a.x - 6, yp}, {a.x - 1, yp}, kFrame, 1);
    const cv::Size ts = text_size(f.y.labels[i], kTickScale);
    put_text(img, f.y.labels[i], {a.x - 10 - ts.width, yp + ts.height / 2}, kTickScale);
  }
  cv::rectangle(img, a, kFrame, 1);

  if (!xlabel.empty()) {
    const cv::Size ts = text_size(xlabel, kLabelScale);
    put_text(img, xlabel, {a.x + (a.width - ts.width) / 2, a.y + a.height + 34 + ts.height}, kLabelScale);
  }
  if (!ylabel.empty()) put_vertical_text(img, ylabel, 14 + 10, a.y + a.height / 2, kLabelScale);
  if (!title.empty()) {
    const cv::Size ts = text_size(title, kTitleScale, 2);
    const int xt = std::max(4, a.x + (a.width - ts.width) / 2);
    put_text(img, title, {xt, 18 + ts.height}, kTitleScale, kText, 2);
  }
  return f;
}

// ---------------------------------------------------------------------------------------------------
// Legend.

enum class Swatch { kDot, kLine, kDashed };
struct LegendEntry {
  std::string name;
  cv::Scalar color;
  Swatch swatch;
};

constexpr int kLegendRow = 22;
constexpr int kLegendPad = 8;
constexpr int kSwatchWidth = 26;

cv::Size legend_size(const std::vector<LegendEntry>& entries) {
  int w = 0;
  for (const auto& e : entries) w = std::max(w, text_size(e.name, kLegendScale).width);
  return {kLegendPad * 3 + kSwatchWidth + w, kLegendPad * 2 + kLegendRow * static_cast<int>(entries.size())};
}

void dashed_line(cv::Mat& img, cv::Point2d a, cv::Point2d b, const cv::Scalar& color, int thickness,
                 double dash = 9, double gap = 6) {
  const double len = std::hypot(b.x - a.x, b.y - a.y);
  if (len <= 0) return;
  const cv::Point2d dir((b.x - a.x) / len, (b.y - a.y) / len);
  for (double s = 0; s < len; s += dash + gap) {
    const double e = std::min(len, s + dash);
    cv::line(img, fixed(a + dir * s), fixed(a + dir * e), color, thickness, cv::LINE_AA, kShift);
  }
}

void draw_legend(cv::Mat& img, const std::vector<LegendEntry>& entries, cv::Point top_left) {
  if (entries.empty()) return;
  const cv::Size sz = legend_size(entries);
  const cv::Rect box(top_left, sz);
  cv::rectangle(img, box, kWhite, cv::FILLED);
  cv::rectangle(img, box, cv::Scalar(170, 170, 170), 1);
  for (size_t i = 0; i < entries.size(); ++i) {
    const int cy = box.y + kLegendPad + kLegendRow * static_cast<int>(i) + kLegendRow / 2;
    const int sx = box.x + kLegendPad;
    const LegendEntry& e = entries[i];
    switch (e.swatch) {
      case Swatch::kDot:
        cv::circle(img, {sx + kSwatchWidth / 2, cy}, 5, e.color, cv::FILLED, cv::LINE_AA);
        break;
      case Swatch::kLine:
        cv::line(img, {sx, cy}, {sx + kSwatchWidth, cy}, e.color, 2, cv::LINE_AA);
        break;
      case Swatch::kDashed:
        dashed_line(img, cv::Point2d(sx, cy), cv::Point2d(sx + kSwatchWidth, cy), e.color, 1, 6, 4);
        break;
    }
    const cv::Size ts = text_size(e.name, kLegendScale);
    put_text(img, e.name, {sx + kSwatchWidth + kLegendPad, cy + ts.height / 2}, kLegendScale);
  }
}

void write_image(const std::string& path, const cv::Mat& img) {
  bool ok = false;
  try {
    ok = cv::imwrite(path, img);
  } catch (const cv::Exception& e) {
    throw DataError(str("cannot write plot '", path, "': ", e.err));
  }
  SIAMESE_CHECK(ok, DataError, "cannot write plot '", path, "' (missing directory or not writable?)");
}

std::vector<double> column(const torch::Tensor& points, int64_t c) {
  torch::Tensor col = points.select(1, c).contiguous();
  const double* p = col.data_ptr<double>();
  return std::vector<double>(p, p + col.numel());
}

}  // namespace

void plot_scatter(const std::string& path, const torch::Tensor& points, const torch::Tensor& labels,
                  const std::vector<std::string>& class_names, const std::string& title,
                  const PlotSize& size, const std::string& xlabel, const std::string& ylabel) {
  check_size(size);
  SIAMESE_CHECK(points.defined() && points.dim() == 2 && points.size(1) == 2, DataError,
                "plot_scatter: points must be [N, 2], got shape ",
                points.defined() ? points.sizes() : torch::IntArrayRef{});
  SIAMESE_CHECK(points.is_floating_point() || c10::isIntegralType(points.scalar_type(), false), DataError,
                "plot_scatter: points must be real, got ", points.scalar_type());
  SIAMESE_CHECK(labels.defined() && labels.dim() == 1 &&
                    c10::isIntegralType(labels.scalar_type(), /*includeBool=*/false),
                DataError, "plot_scatter: labels must be a 1-D integer tensor");
  SIAMESE_CHECK(labels.size(0) == points.size(0), DataError, "plot_scatter: ", points.size(0),
                " points but ", labels.size(0), " labels");
  const torch::Tensor pts = points.detach().to(torch::kCPU, torch::kDouble).contiguous();
  const std::vector<double> xs = column(pts, 0), ys = column(pts, 1);
  const torch::Tensor lab_t = labels.detach().to(torch::kCPU, torch::kLong).contiguous();
  const std::vector<int64_t> lab(lab_t.data_ptr<int64_t>(), lab_t.data_ptr<int64_t>() + lab_t.numel());
  const size_t n = xs.size();

  double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo, ylo = xlo, yhi = -xlo;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(xs[i]) || !std::isfinite(ys[i])) continue;
    xlo = std::min(xlo, xs[i]);
    xhi = std::max(xhi, xs[i]);
    ylo = std::min(ylo, ys[i]);
    yhi = std::max(yhi, ys[i]);
  }

  // Colour slot per distinct label.
  std::vector<int64_t> distinct = lab;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  const bool non_negative = distinct.empty() || distinct.front() >= 0;
  std::map<int64_t, cv::Scalar> color_of;
  std::vector<LegendEntry> legend;
  for (size_t r = 0; r < distinct.size(); ++r) {
    const int64_t l = distinct[r];
    const cv::Scalar c = palette(non_negative ? l : static_cast<int64_t>(r));
    color_of[l] = c;
    const std::string name = (l >= 0 && static_cast<size_t>(l) < class_names.size())
                                 ? class_names[static_cast<size_t>(l)]
                                 : str("class ", l);
    legend.push_back({shorten(name, 28), c, Swatch::kDot});
  }

  // Legend right of the axes: as many rows as fit, the last saying how many are left out.
  const int usable_rows = std::max(1, (size.height - 56 - 64 - 2 * kLegendPad) / kLegendRow);
  if (static_cast<int>(legend.size()) > usable_rows) {
    const size_t shown = static_cast<size_t>(usable_rows - 1);
    const size_t more = legend.size() - shown;
    legend.resize(shown);
    legend.push_back({str("(+", more, " more)"), kWhite, Swatch::kDot});
  }
  const int legend_width = legend.empty() ? 0 : legend_size(legend).width;
  const int right_margin = legend.empty() ? 30 : legend_width + 32;

  const int xticks = std::max(5, (size.width - right_margin) / 130);
  const int yticks = std::max(3, size.height / 110);
  Frame f = make_frame(size, linear_axis(xlo, xhi, xticks, 0.05), linear_axis(ylo, yhi, yticks, 0.05), title,
                       xlabel, ylabel, right_margin);

  const int radius_px = n <= 2000 ? 4 : n <= 20000 ? 3 : 2;
  const double alpha = n <= 2000 ? 0.8 : 0.65;
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::mt19937 gen(20240611u);
  std::shuffle(order.begin(), order.end(), gen);

  cv::Mat base = f.img(f.area);
  cv::Mat overlay = base.clone();
  for (size_t i : order) {
    if (!std::isfinite(xs[i]) || !std::isfinite(ys[i])) continue;
    const cv::Point2d p = f.px(xs[i], ys[i]) - cv::Point2d(f.area.x, f.area.y);
    cv::circle(overlay, fixed(p), radius_px * static_cast<int>(kShiftScale), color_of[lab[i]], cv::FILLED,
               cv::LINE_AA, kShift);
  }
  cv::addWeighted(overlay, alpha, base, 1.0 - alpha, 0.0, base);
  cv::rectangle(f.img, f.area, kFrame, 1);

  if (!legend.empty()) draw_legend(f.img, legend, {f.area.x + f.area.width + 16, f.area.y});
  write_image(path, f.img);
}

torch::Tensor pca_2d(const torch::Tensor& x) {
  SIAMESE_CHECK(x.defined() && x.dim() == 2 && x.size(1) >= 1, DataError, "pca_2d: x must be [N, d], d >= 1, got shape ",
                x.defined() ? x.sizes() : torch::IntArrayRef{});
  if (x.size(1) == 2) return x;
  torch::NoGradGuard no_grad;
  const auto out_dtype = x.is_floating_point() ? x.scalar_type() : torch::kFloat;
  const torch::Tensor xd = x.detach().to(torch::kCPU, torch::kDouble);
  if (x.size(1) == 1) return torch::cat({xd, torch::zeros_like(xd)}, 1).to(out_dtype);
  const int64_t n = xd.size(0);
  if (n == 0) return torch::zeros({0, 2}, torch::TensorOptions().dtype(out_dtype));
  const torch::Tensor centered = xd - xd.mean(0, /*keepdim=*/true);
  return centered.matmul(principal_directions(xd, 2).t()).to(out_dtype);
}

void plot_lines(const std::string& path, const std::vector<Series>& series, const std::string& title,
                const std::string& xlabel, const std::string& ylabel, bool log_y, bool diagonal,
                const PlotSize& size) {
  check_size(size);
  double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo, ylo = xlo, yhi = -xlo;
  for (const Series& s : series) {
    SIAMESE_CHECK(s.x.size() == s.y.size(), DataError, "plot_lines: series '", s.name, "' has ", s.x.size(),
                  " x values but ", s.y.size(), " y values");
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i]) || (log_y && s.y[i] <= 0)) continue;
      xlo = std::min(xlo, s.x[i]);
      xhi = std::max(xhi, s.x[i]);
      ylo = std::min(ylo, s.y[i]);
      yhi = std::max(yhi, s.y[i]);
    }
  }
  if (diagonal && !log_y && !std::isfinite(xlo)) {
    xlo = ylo = 0;
    xhi = yhi = 1;
  }
  const int xticks = std::max(3, size.width / 130);
  const int yticks = std::max(3, size.height / 100);
  Axis ax = linear_axis(xlo, xhi, xticks, 0.03);
  Axis ay = log_y ? log_axis(ylo, yhi) : linear_axis(ylo, yhi, yticks, 0.03);
  Frame f = make_frame(size, std::move(ax), std::move(ay), title, xlabel, ylabel, 30);

  cv::Mat roi = f.img(f.area);
  const cv::Point2d origin(f.area.x, f.area.y);
  std::vector<std::vector<cv::Point2d>> drawn;  // pixel polylines, for legend placement

  if (diagonal && !log_y) {
    const double lo = std::max(f.x.lo, f.y.lo), hi = std::min(f.x.hi, f.y.hi);
    if (hi > lo) {
      const cv::Point2d a = f.px(lo, lo) - origin, b = f.px(hi, hi) - origin;
      dashed_line(roi, a, b, kChance, 1);
      drawn.push_back({a, b});
    }
  }

  std::vector<LegendEntry> legend;
  for (size_t si = 0; si < series.size(); ++si) {
    const Series& s = series[si];
    const cv::Scalar color = palette(static_cast<int64_t>(si));
    std::vector<cv::Point2d> run;
    auto flush = [&]() {
      if (run.size() == 1) {
        cv::circle(roi, fixed(run[0]), 2 * static_cast<int>(kShiftScale), color, cv::FILLED, cv::LINE_AA, kShift);
      } else if (run.size() > 1) {
        std::vector<cv::Point> pts;
        pts.reserve(run.size());
        for (const auto& p : run) pts.push_back(fixed(p));
        cv::polylines(roi, pts, /*isClosed=*/false, color, 2, cv::LINE_AA, kShift);
      }
      if (!run.empty()) drawn.push_back(run);
      run.clear();
    };
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!f.x.valid(s.x[i]) || !f.y.valid(s.y[i])) {
        flush();
        continue;
      }
      run.push_back(f.px(f.x.transform(s.x[i]), f.y.transform(s.y[i])) - origin);
    }
    flush();
    if (!s.name.empty()) legend.push_back({shorten(s.name, 40), color, Swatch::kLine});
  }
  if (diagonal && !log_y) legend.push_back({"chance", kChance, Swatch::kDashed});
  cv::rectangle(f.img, f.area, kFrame, 1);

  if (!legend.empty()) {
    // The corner whose legend box would hide the fewest samples of the drawn lines (every ~3 px).
    const cv::Size ls = legend_size(legend);
    const int m = 10;
    const std::vector<cv::Point> corners = {
        {f.area.width - ls.width - m, m},                     // top right
        {f.area.width - ls.width - m, f.area.height - ls.height - m},  // bottom right
        {m, m},                                               // top left
        {m, f.area.height - ls.height - m}};                  // bottom left
    size_t best = 0;
    int64_t best_hidden = std::numeric_limits<int64_t>::max();
    for (size_t c = 0; c < corners.size(); ++c) {
      const cv::Rect box(corners[c], ls);
      int64_t hidden = 0;
      for (const auto& line : drawn) {
        for (size_t i = 0; i < line.size(); ++i) {
          const cv::Point2d a = line[i], b = i + 1 < line.size() ? line[i + 1] : line[i];
          const int steps = std::max(1, static_cast<int>(std::hypot(b.x - a.x, b.y - a.y) / 3.0));
          for (int t = 0; t < steps; ++t) {
            const cv::Point2d p = a + (b - a) * (static_cast<double>(t) / steps);
            if (box.contains(cv::Point(static_cast<int>(p.x), static_cast<int>(p.y)))) ++hidden;
          }
        }
      }
      if (hidden < best_hidden) {
        best_hidden = hidden;
        best = c;
      }
    }
    draw_legend(f.img, legend, corners[best] + cv::Point(f.area.x, f.area.y));
  }
  write_image(path, f.img);
}

}  // namespace siamese
