#include "siamese/sample/explicit_tuples.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <numeric>
#include <sstream>
#include <unordered_map>

#include "siamese/core/error.h"
#include "siamese/core/text.h"
#include "siamese/sample/sample_util.h"

namespace siamese {

using namespace sample_detail;

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

bool parse_index(const std::string& f, int64_t& out) {
  if (f.empty() || !std::all_of(f.begin(), f.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  try {
    out = std::stoll(f);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

bool parse_same(std::string f, int64_t& out) {
  std::transform(f.begin(), f.end(), f.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (f == "1" || f == "true" || f == "same") return (out = 1), true;
  if (f == "0" || f == "false" || f == "different") return (out = 0), true;
  return false;
}

}  // namespace

void ExplicitTuplesSampler::reset(const TensorDataset& train, uint64_t seed) {
  seed_ = seed;
  y_ = train.y;
  const int64_t n = train.size();
  std::unordered_map<std::string, int64_t> by_name;
  if (!names_.empty()) {
    std::ifstream in(names_);
    SIAMESE_CHECK(in.good(), DataError, "cannot read the names file '", names_, "'");
    std::string line;
    int64_t r = 0;
    while (std::getline(in, line)) {
      line = trim(line);
      if (!line.empty()) by_name.emplace(line, r++);
    }
    SIAMESE_CHECK(r == n, DataError, names_, ": lists ", r, " names but the training split has ", n, " rows");
  }
  std::ifstream in(path_);
  SIAMESE_CHECK(in.good(), DataError, "cannot read the ", arity_ == 2 ? "pairs" : "triplets", " file '", path_, "'");
  for (auto& c : cols_) c.clear();
  std::string line;
  int64_t line_no = 0, parsed = 0;
  while (std::getline(in, line)) {
    ++line_no;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string item;
    while (std::getline(ss, item, ',')) f.push_back(trim(item));
    int64_t v[3] = {0, 0, 0};
    std::string bad;
    if (f.size() != 3) {
      bad = str("expected 3 comma-separated fields, got ", f.size());
    } else {
      for (int k = 0; k < 3 && bad.empty(); ++k) {
        if (arity_ == 2 && k == 2) {
          if (!parse_same(f[2], v[2])) bad = str("field 3 '", shorten_value(f[2]), "' is not 1/0, true/false or same/different");
          continue;
        }
        if (parse_index(f[k], v[k])) {
          if (v[k] >= n) bad = str("field ", k + 1, ": row ", v[k], " is out of range (the training split has ", n, " rows)");
        } else if (!by_name.empty() && by_name.count(f[k])) {
          v[k] = by_name.at(f[k]);
        } else {
          bad = str("field ", k + 1, " '", shorten_value(f[k]), "' is neither a row index",
                    by_name.empty() ? " (give sampler.names to use file paths)" : " nor a listed file name");
        }
      }
    }
    if (!bad.empty()) {
      if (parsed == 0 && cols_[0].empty() && line_no == 1) continue;  // a header line
      throw DataError(str(path_, ":", line_no, ": ", bad));
    }
    for (int k = 0; k < 3; ++k) cols_[k].push_back(v[k]);
    ++parsed;
  }
  SIAMESE_CHECK(parsed > 0, DataError, path_, ": no ", arity_ == 2 ? "pairs" : "triplets", " found");
  check_fits_data("batch_size", batch_, static_cast<double>(parsed),
                  str(arity_ == 2 ? "pairs" : "triplets", " in ", path_));
  cached_epoch_ = -1;
}

Batch ExplicitTuplesSampler::batch(int64_t iteration) const {
  const int64_t total = size();
  const int64_t per_epoch = (total + batch_ - 1) / batch_;
  const int64_t epoch = iteration / per_epoch;
  if (epoch != cached_epoch_) {
    order_.resize(static_cast<size_t>(total));
    std::iota(order_.begin(), order_.end(), 0);
    if (shuffle_) {
      auto rng = make_rng(seed_, 0x657870ULL, static_cast<uint64_t>(epoch));
      std::shuffle(order_.begin(), order_.end(), rng);
    }
    cached_epoch_ = epoch;
  }
  const int64_t start = (iteration % per_epoch) * batch_;
  const int64_t b = batch_;
  std::vector<int64_t> rows(static_cast<size_t>(arity_ * b));
  std::vector<int64_t> same(static_cast<size_t>(b));
  for (int64_t k = 0; k < b; ++k) {
    const size_t t = static_cast<size_t>(order_[static_cast<size_t>((start + k) % total)]);
    rows[static_cast<size_t>(k)] = cols_[0][t];
    rows[static_cast<size_t>(b + k)] = cols_[1][t];
    if (arity_ == 3) rows[static_cast<size_t>(2 * b + k)] = cols_[2][t];
    else same[static_cast<size_t>(k)] = cols_[2][t];
  }
  Batch out;
  out.rows = to_long_tensor(rows);
  out.labels = y_.index_select(0, out.rows);
  if (arity_ == 2) {
    out.pairs = side_by_side_pair_indices(to_long_tensor(same).to(torch::kBool));
  } else {
    out.triplets = sample_detail::side_by_side_triplets(b);
  }
  return out;
}

namespace {
Schema explicit_schema(const std::string& what) {
  return {text("path", "", what + " file (CSV, one per line)"),
          text("names", "", "optional file with one path per training row, so entries may be file paths"),
          integer("batch_size", 64, what + " per batch").at_least(1),
          boolean("shuffle", true, "shuffle the order every epoch (seeded)")};
}
std::shared_ptr<Sampler> make_explicit(int arity, const Params& p) {
  SIAMESE_CHECK(!p.s("path").empty(), ConfigError, "sampler ", arity == 2 ? "pairs_file" : "triplets_file",
                " needs 'path'");
  return std::make_shared<ExplicitTuplesSampler>(arity, p.s("path"), p.s("names"), p.i("batch_size"), p.b("shuffle"));
}
}  // namespace

SamplerRegistry::Entry pairs_file_entry() {
  return {"pairs_file", "explicit pairs 'a,b,same' from a file (row indices or file paths), weak supervision",
          explicit_schema("pairs"), [](const Params& p) { return make_explicit(2, p); }};
}
SamplerRegistry::Entry triplets_file_entry() {
  return {"triplets_file", "explicit triplets 'a,p,n' from a file (row indices or file paths)",
          explicit_schema("triplets"), [](const Params& p) { return make_explicit(3, p); }};
}

}  // namespace siamese
