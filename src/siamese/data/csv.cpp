#include "siamese/data/csv.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>

#include "siamese/core/error.h"
#include "siamese/core/text.h"
#include "siamese/data/gzip.h"

namespace siamese {

namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  std::string t = s.substr(b, e - b + 1);
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
  return t;
}

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = line.find(',', start);
    out.push_back(trim(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

bool parse_number(const std::string& s, double& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && errno != ERANGE && std::isfinite(out);
}

bool all_numeric(const std::vector<std::string>& fields) {
  double v = 0;
  for (const auto& f : fields)
    if (!parse_number(f, v)) return false;
  return true;
}

struct Line {
  int64_t number;  // 1-based
  std::string text;
};

double quantile(std::vector<double> sorted, double q) {
  double pos = q * static_cast<double>(sorted.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(pos));
  size_t hi = std::min(sorted.size() - 1, lo + 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

torch::Tensor zscore_columns(const torch::Tensor& x) {
  torch::Tensor mean = x.mean(0, true);
  torch::Tensor sd = x.std(0, /*unbiased=*/false, /*keepdim=*/true);
  sd = torch::where(sd > 0, sd, torch::ones_like(sd));
  return (x - mean) / sd;
}

namespace {

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r") == std::string::npos; }

std::vector<Line> split_lines(const std::string& text) {
  std::vector<Line> lines;
  int64_t number = 0;
  size_t start = 0;
  while (start < text.size()) {
    const size_t nl = text.find('\n', start);
    std::string l = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    ++number;
    if (!l.empty() && l.back() == '\r') l.pop_back();
    lines.push_back({number, l});
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return lines;
}

// The header lines (a fixed count, or, with header_lines < 0, every leading line that is not all numbers);
// advances `pos` past them.
std::vector<std::vector<std::string>> read_headers(const std::vector<Line>& lines, size_t& pos, const CsvOptions& opt,
                                                   const std::string& path) {
  std::vector<std::vector<std::string>> headers;
  if (opt.header_lines >= 0) {
    for (int h = 0; h < opt.header_lines; ++h, ++pos) {
      SIAMESE_CHECK(pos < lines.size(), DataError, path, ": expected ", opt.header_lines,
                    " header lines, the file has ", lines.size(), " lines");
      headers.push_back(split_fields(lines[pos].text));
    }
  } else {
    while (pos < lines.size() && !blank(lines[pos].text) && !all_numeric(split_fields(lines[pos].text)))
      headers.push_back(split_fields(lines[pos++].text));
  }
  return headers;
}

struct Rows {
  std::vector<double> values;     // row-major [rows, width]
  std::vector<int64_t> line;      // the file line of each row
  int64_t width = 0;
  int64_t count() const { return static_cast<int64_t>(line.size()); }
};

Rows read_rows(const std::vector<Line>& lines, size_t pos, const std::string& path) {
  Rows r;
  for (; pos < lines.size(); ++pos) {
    const Line& line = lines[pos];
    if (blank(line.text)) continue;
    const std::vector<std::string> fields = split_fields(line.text);
    const auto n = static_cast<int64_t>(fields.size());
    if (r.width == 0) {
      r.width = n;
      SIAMESE_CHECK(n >= 2, DataError, path, ":", line.number, ": a row needs at least one feature and a label, got ",
                    n, " field(s)");
    }
    SIAMESE_CHECK(n == r.width, DataError, path, ":", line.number, ": column ", std::min(n, r.width) + 1,
                  ": expected ", r.width, " fields, got ", n);
    for (int64_t c = 0; c < n; ++c) {
      double v = 0;
      SIAMESE_CHECK(parse_number(fields[static_cast<size_t>(c)], v), DataError, path, ":", line.number, ": column ",
                    c + 1, ": not a finite number: '", shorten_value(fields[static_cast<size_t>(c)]), "'");
      r.values.push_back(v);
    }
    r.line.push_back(line.number);
  }
  // One or two rows cannot be split, z-scored or searched for neighbours meaningfully: a data error here,
  // not a failure deep inside a learner.
  const int64_t rows = r.count();
  SIAMESE_CHECK(rows >= 3, DataError, path, ": ",
                rows == 0 ? std::string("no data rows") : str("only ", rows, " data row", rows == 1 ? "" : "s"),
                " (a table needs at least 3)");
  return r;
}

// Integer labels -> classes 0..C-1 in increasing label order; names from scikit-learn's first header line
// ("N,d,name_0,...") when it matches the table, else the label values.
void class_labels(CsvTable& t, const std::vector<double>& raw, const Rows& rows, int64_t label_col,
                  const std::vector<std::vector<std::string>>& headers, const std::string& path) {
  for (size_t r = 0; r < raw.size(); ++r)
    SIAMESE_CHECK(raw[r] == std::round(raw[r]), DataError, path, ":", rows.line[r], ": column ", label_col + 1,
                  ": label ", raw[r], " is not an integer (use labels=tertiles for a continuous target)");
  std::map<double, int64_t> index;
  for (double v : raw) index.emplace(v, 0);
  int64_t next = 0;
  for (auto& kv : index) {
    kv.second = next++;
    t.label_values.push_back(kv.first);
  }
  std::vector<int64_t> y;
  for (double v : raw) y.push_back(index[v]);
  t.y = torch::tensor(y, torch::kInt64);
  if (!headers.empty()) {
    const auto& h = headers.front();
    double n_decl = 0, d_decl = 0;
    if (h.size() == 2 + index.size() && parse_number(h[0], n_decl) && parse_number(h[1], d_decl) &&
        n_decl == static_cast<double>(rows.count()) && d_decl == static_cast<double>(rows.width - 1) &&  // no cast: 1e300 is a number
        std::none_of(h.begin() + 2, h.end(), [](const std::string& s) { return s.empty(); })) {
      t.class_names.assign(h.begin() + 2, h.end());
      return;
    }
  }
  for (double v : t.label_values)  // integer-valued, but not always an int64 (1e300): no cast then
    t.class_names.push_back(std::fabs(v) < 9e18 ? str(static_cast<int64_t>(v)) : str(v));
}

// A continuous target -> three classes at its tertiles.
void tertile_labels(CsvTable& t, const std::vector<double>& raw) {
  std::vector<double> sorted = raw;
  std::sort(sorted.begin(), sorted.end());
  const double q1 = quantile(sorted, 1.0 / 3.0), q2 = quantile(sorted, 2.0 / 3.0);
  t.label_values = {q1, q2};
  std::vector<int64_t> y;
  for (double v : raw) y.push_back(v <= q1 ? 0 : (v <= q2 ? 1 : 2));
  t.y = torch::tensor(y, torch::kInt64);
  t.class_names = {"tertile_0", "tertile_1", "tertile_2"};
}

}  // namespace

CsvTable load_csv(const std::string& path, const CsvOptions& opt) {
  SIAMESE_CHECK(opt.labels == "auto" || opt.labels == "class" || opt.labels == "tertiles", ConfigError,
                "csv: labels must be auto, class or tertiles, got '", opt.labels, "'");
  const std::vector<Line> lines = split_lines(read_maybe_gzip(path));
  size_t pos = 0;
  const auto headers = read_headers(lines, pos, opt, path);
  const Rows rows = read_rows(lines, pos, path);
  const int64_t w = rows.width, n = rows.count();
  const int64_t label_col = opt.label_column < 0 ? w + opt.label_column : opt.label_column;
  SIAMESE_CHECK(label_col >= 0 && label_col < w, ConfigError, path, ": label column ", opt.label_column,
                " is out of range for ", w, " columns");
  torch::Tensor all = torch::tensor(rows.values, torch::kFloat64).reshape({n, w});
  std::vector<int64_t> feature_cols;
  for (int64_t c = 0; c < w; ++c)
    if (c != label_col) feature_cols.push_back(c);

  CsvTable t;
  t.source = path;
  t.x = all.index_select(1, torch::tensor(feature_cols, torch::kInt64)).contiguous();
  if (opt.zscore) t.x = zscore_columns(t.x);
  std::vector<double> raw(static_cast<size_t>(n));
  for (int64_t r = 0; r < n; ++r) raw[static_cast<size_t>(r)] = rows.values[static_cast<size_t>(r * w + label_col)];
  const bool integral = std::all_of(raw.begin(), raw.end(), [](double v) { return v == std::round(v); });
  t.label_mode = opt.labels == "auto" ? (integral ? "class" : "tertiles") : opt.labels;
  if (t.label_mode == "class") {
    class_labels(t, raw, rows, label_col, headers, path);
  } else {
    tertile_labels(t, raw);
  }
  return t;
}

}  // namespace siamese
