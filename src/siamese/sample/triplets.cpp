#include "siamese/sample/triplets.h"

#include <algorithm>
#include <numeric>

#include "siamese/core/error.h"
#include "siamese/core/options.h"
#include "siamese/sample/sample_util.h"

namespace siamese {

using namespace sample_detail;

namespace {

Batch triplet_batch(const std::vector<int64_t>& a, const std::vector<int64_t>& p, const std::vector<int64_t>& n,
                    const torch::Tensor& y) {
  const int64_t b = static_cast<int64_t>(a.size());
  std::vector<int64_t> rows;
  rows.reserve(static_cast<size_t>(3 * b));
  rows.insert(rows.end(), a.begin(), a.end());
  rows.insert(rows.end(), p.begin(), p.end());
  rows.insert(rows.end(), n.begin(), n.end());
  Batch out;
  out.rows = to_long_tensor(rows);
  out.labels = y.index_select(0, out.rows);
  out.triplets = sample_detail::side_by_side_triplets(b);
  return out;
}

// Distinct (anchor, positive, negative) triplets: sum over classes of n_c (n_c - 1) (n - n_c).
double distinct_triplets(const std::vector<std::vector<int64_t>>& by_class) {
  double n = 0, total = 0;
  for (const auto& v : by_class) n += static_cast<double>(v.size());
  for (const auto& v : by_class) {
    const double c = static_cast<double>(v.size());
    total += c * (c - 1) * (n - c);
  }
  return total;
}

template <class V>
const typename V::value_type& pick(const V& v, std::mt19937_64& rng) {
  return v[static_cast<size_t>(uniform_below(rng, static_cast<int64_t>(v.size())))];
}

}  // namespace

// ---------------------------------------------------------------- Hoffer & Ailon

void TripletSampler::reset(const TensorDataset& train, uint64_t seed) {
  seed_ = seed;
  y_ = train.y;
  by_class_ = rows_by_class(train.y);
  anchor_classes_.clear();
  classes_.clear();
  for (size_t c = 0; c < by_class_.size(); ++c) {
    if (!by_class_[c].empty()) classes_.push_back(static_cast<int64_t>(c));
    if (by_class_[c].size() >= 2) anchor_classes_.push_back(static_cast<int64_t>(c));
  }
  SIAMESE_CHECK(classes_.size() >= 2, ConfigError, "sampler triplets needs at least two classes");
  SIAMESE_CHECK(!anchor_classes_.empty(), ConfigError, "sampler triplets: no class has two examples");
  check_fits_data("batch_size", batch_, distinct_triplets(by_class_), "distinct triplets of the training rows");
}

Batch TripletSampler::batch(int64_t iteration) const {
  auto rng = make_rng(seed_, 0x747269ULL, static_cast<uint64_t>(iteration));
  std::vector<int64_t> a(static_cast<size_t>(batch_)), p(a.size()), n(a.size());
  for (size_t k = 0; k < a.size(); ++k) {
    const int64_t c = pick(anchor_classes_, rng);
    const auto& rows = by_class_[static_cast<size_t>(c)];
    a[k] = pick(rows, rng);
    do p[k] = pick(rows, rng); while (p[k] == a[k]);
    int64_t other;
    do other = pick(classes_, rng); while (other == c);
    n[k] = pick(by_class_[static_cast<size_t>(other)], rng);
  }
  return triplet_batch(a, p, n, y_);
}

SamplerRegistry::Entry triplets_entry() {
  return {"triplets", "Hoffer & Ailon: class c; distinct anchor and positive of c; negative of another class",
          {integer("batch_size", 64, "triplets per batch").at_least(1)},
          [](const Params& p) { return std::make_shared<TripletSampler>(p.i("batch_size")); }};
}

// ---------------------------------------------------------------- Wang et al. (graded relevance)

void GradedTripletSampler::reset(const TensorDataset& train, uint64_t seed) {
  seed_ = seed;
  y_ = train.y;
  n_ = train.size();
  auto yc = train.y.to(torch::kLong).contiguous();
  label_.assign(yc.data_ptr<int64_t>(), yc.data_ptr<int64_t>() + yc.numel());
  auto by_class = rows_by_class(train.y);
  int64_t classes = 0, pairable = 0;
  for (const auto& v : by_class) {
    classes += v.empty() ? 0 : 1;
    pairable += v.size() >= 2 ? 1 : 0;
  }
  SIAMESE_CHECK(classes >= 2, ConfigError, "sampler graded_triplets needs at least two classes");
  SIAMESE_CHECK(pairable >= 1, ConfigError, "sampler graded_triplets: no class has two examples");
  SIAMESE_CHECK(o_.buffer_size >= 2, ConfigError, "sampler graded_triplets: buffer_size must be >= 2");
  check_fits_data("batch_size", o_.batch_size, distinct_triplets(by_class), "distinct triplets of the training rows");
  if (!relevance_) {
    auto x = train.x.reshape({n_, -1}).to(torch::kFloat64);
    double sigma2 = o_.bandwidth;
    if (sigma2 <= 0) {
      // Half the mean squared distance of up to 2,000 seeded same-class pairs.
      auto rng = make_rng(seed, 0x6277ULL, 0);
      double sum = 0;
      int64_t count = 0;
      std::vector<int64_t> rows;
      for (const auto& v : by_class)
        if (v.size() >= 2) rows.insert(rows.end(), v.begin(), v.end());
      for (int64_t q = 0; q < 2000; ++q) {
        const int64_t i = pick(rows, rng);
        const auto& cls = by_class[static_cast<size_t>(label_[static_cast<size_t>(i)])];
        int64_t j;
        do j = pick(cls, rng); while (j == i);
        sum += (x[i] - x[j]).pow(2).sum().item<double>();
        ++count;
      }
      sigma2 = std::max(1e-12, 0.5 * sum / static_cast<double>(count));
    }
    relevance_ = [x, sigma2](const torch::Tensor& rows) {
      auto xs = x.index_select(0, rows);
      return torch::exp(-torch::cdist(xs, xs).pow(2) / (2 * sigma2));
    };
  }
  cached_round_ = -1;
}

GradedTripletSampler::Buffers GradedTripletSampler::buffers(int64_t round) const {
  auto rng = make_rng(seed_, 0x726573ULL, static_cast<uint64_t>(round));
  std::vector<int64_t> stream(static_cast<size_t>(n_));
  std::iota(stream.begin(), stream.end(), 0);
  std::shuffle(stream.begin(), stream.end(), rng);
  int64_t classes = 0;
  for (int64_t c : label_) classes = std::max(classes, c + 1);
  Buffers b;
  b.rows.resize(static_cast<size_t>(classes));
  std::vector<int64_t> seen(static_cast<size_t>(classes), 0);
  for (int64_t r : stream) {  // Algorithm R, one reservoir per class
    const size_t c = static_cast<size_t>(label_[static_cast<size_t>(r)]);
    auto& buf = b.rows[c];
    const int64_t s = seen[c]++;
    if (static_cast<int64_t>(buf.size()) < o_.buffer_size) {
      buf.push_back(r);
    } else {
      const int64_t slot = uniform_below(rng, s + 1);
      if (slot < o_.buffer_size) buf[static_cast<size_t>(slot)] = r;
    }
  }
  b.relevance.resize(b.rows.size());
  for (size_t c = 0; c < b.rows.size(); ++c) {
    if (b.rows[c].empty()) continue;
    auto r = relevance_(to_long_tensor(b.rows[c])).to(torch::kFloat64).contiguous().clone();
    const int64_t m = static_cast<int64_t>(b.rows[c].size());
    SIAMESE_CHECK(r.dim() == 2 && r.size(0) == m && r.size(1) == m, InternalError,
                  "relevance function returned ", r.sizes(), " for ", m, " rows");
    r.fill_diagonal_(0);
    b.relevance[c] = r;
  }
  return b;
}

std::vector<double> GradedTripletSampler::positive_probabilities(const Buffers& b, int64_t c, int64_t a) const {
  const auto& relt = b.relevance[static_cast<size_t>(c)];
  auto rel = relt.accessor<double, 2>();
  const int64_t m = relt.size(0);
  std::vector<double> w(static_cast<size_t>(m), 0.0);
  double z = 0;
  for (int64_t q = 0; q < m; ++q)
    if (q != a) z += (w[static_cast<size_t>(q)] = std::min(o_.t_p, rel[a][q]));
  if (z <= 0) {  // every relevance 0: fall back to uniform over the other buffered rows
    for (int64_t q = 0; q < m; ++q) w[static_cast<size_t>(q)] = q != a ? 1.0 / static_cast<double>(m - 1) : 0.0;
    return w;
  }
  for (auto& v : w) v /= z;
  return w;
}

Batch GradedTripletSampler::batch(int64_t iteration) const {
  const int64_t round = iteration / o_.refresh_every;
  if (round != cached_round_) {
    cached_ = buffers(round);
    cached_round_ = round;
  }
  const Buffers& b = cached_;
  // Query distribution over (class, buffer slot) ∝ total relevance.
  std::vector<std::pair<int64_t, int64_t>> slots;
  std::vector<double> weight;
  std::vector<int64_t> nonempty;
  for (size_t c = 0; c < b.rows.size(); ++c) {
    if (b.rows[c].empty()) continue;
    nonempty.push_back(static_cast<int64_t>(c));
    if (b.rows[c].size() < 2) continue;
    auto total = b.relevance[c].sum(1).contiguous();
    for (int64_t q = 0; q < total.size(0); ++q) {
      slots.push_back({static_cast<int64_t>(c), q});
      weight.push_back(total.data_ptr<double>()[q]);
    }
  }
  if (std::accumulate(weight.begin(), weight.end(), 0.0) <= 0) std::fill(weight.begin(), weight.end(), 1.0);
  auto rng = make_rng(seed_, 0x677274ULL, static_cast<uint64_t>(iteration));
  std::discrete_distribution<size_t> query(weight.begin(), weight.end());
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<int64_t> a(static_cast<size_t>(o_.batch_size)), p(a.size()), n(a.size());
  for (size_t k = 0; k < a.size(); ++k) {
    const auto [c, qa] = slots[query(rng)];
    const auto& rows = b.rows[static_cast<size_t>(c)];
    const auto probs = positive_probabilities(b, c, qa);
    const int64_t qp = static_cast<int64_t>(std::discrete_distribution<size_t>(probs.begin(), probs.end())(rng));
    a[k] = rows[static_cast<size_t>(qa)];
    p[k] = rows[static_cast<size_t>(qp)];
    int64_t neg = -1;
    if (unit(rng) < o_.in_class_fraction) {
      auto rel = b.relevance[static_cast<size_t>(c)].accessor<double, 2>();
      const double rp = rel[qa][qp];
      std::vector<int64_t> ok;
      for (int64_t q = 0; q < static_cast<int64_t>(rows.size()); ++q)
        if (q != qa && q != qp && rp - rel[qa][q] >= o_.t_r) ok.push_back(q);
      if (!ok.empty()) neg = rows[static_cast<size_t>(pick(ok, rng))];
    }
    if (neg < 0) {
      int64_t other;
      do other = pick(nonempty, rng); while (other == c);
      neg = pick(b.rows[static_cast<size_t>(other)], rng);
    }
    n[k] = neg;
  }
  return triplet_batch(a, p, n, y_);
}

namespace {

const OptionBinder<GradedTripletSampler::Options>& graded_triplets_binder() {
  static const auto b = [] {
    using O = GradedTripletSampler::Options;
    OptionBinder<O> b;
    b.add("batch_size", &O::batch_size, "triplets per batch").at_least(1);
    b.add("buffer_size", &O::buffer_size, "reservoir rows per class").at_least(2);
    b.add("refresh_every", &O::refresh_every, "batches between buffer refills").at_least(1);
    b.add("t_p", &O::t_p, "T_p: cap on a positive's relevance in its sampling weight").above(0);
    b.add("t_r", &O::t_r, "T_r: least relevance gap r(q,p) - r(q,n) of an in-class negative").at_least(0);
    b.add("in_class_fraction", &O::in_class_fraction, "share of in-class negatives").at_least(0).at_most(1);
    b.add("bandwidth", &O::bandwidth,
          "sigma^2 of the pixel relevance exp(-|xi-xj|^2/(2 sigma^2)) (0 = from the data)")
        .at_least(0);
    return b;
  }();
  return b;
}

}  // namespace

SamplerRegistry::Entry graded_triplets_entry() {
  return {"graded_triplets",
          "Wang et al.: query ∝ total relevance, positive capped by T_p, in-class negatives with gap >= T_r, "
          "per-class reservoir buffers",
          graded_triplets_binder().schema(),
          [](const Params& p) { return std::make_shared<GradedTripletSampler>(graded_triplets_binder().bind(p)); }};
}

}  // namespace siamese
