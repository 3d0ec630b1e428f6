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

CsvTable load_csv(const std::string& path, const CsvOptions& opt) {
  SIAMESE_CHECK(opt.labels == "auto" || opt.labels == "class" || opt.labels == "tertiles", ConfigError,
                "csv: labels must be auto, class or tertiles, got '", opt.labels, "'");
  std::string text = read_maybe_gzip(path);
  std::vector<Line> lines;
  {
    int64_t number = 0;
    size_t start = 0;
    while (start < text.size()) {
      size_t nl = text.find('\n', start);
      std::string l = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      ++number;
      if (!l.empty() && l.back() == '\r') l.pop_back();
      lines.push_back({number, l});
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
  auto blank = [](const std::string& s) { return s.find_first_not_of(" \t\r") == std::string::npos; };

  // Header lines.
  std::vector<std::vector<std::string>> headers;
  size_t pos = 0;
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

  // Data rows.
  std::vector<double> values;
  size_t width = 0;
  int64_t rows = 0;
  std::vector<int64_t> row_line;
  for (; pos < lines.size(); ++pos) {
    const Line& line = lines[pos];
    if (blank(line.text)) continue;
    std::vector<std::string> fields = split_fields(line.text);
    if (width == 0) {
      width = fields.size();
      SIAMESE_CHECK(width >= 2, DataError, path, ":", line.number, ": a row needs at least one feature and a label, got ",
                    width, " field(s)");
    }
    SIAMESE_CHECK(fields.size() == width, DataError, path, ":", line.number, ": column ",
                  std::min(fields.size(), width) + 1, ": expected ", width, " fields, got ", fields.size());
    for (size_t c = 0; c < width; ++c) {
      double v = 0;
      SIAMESE_CHECK(parse_number(fields[c], v), DataError, path, ":", line.number, ": column ", c + 1,
                    ": not a finite number: '", shorten_value(fields[c]), "'");
      values.push_back(v);
    }
    row_line.push_back(line.number);
    ++rows;
  }
  // One or two rows cannot be split, z-scored or searched for neighbours meaningfully: a data error here,
  // not a failure deep inside a learner.
  SIAMESE_CHECK(rows >= 3, DataError, path, ": ", rows == 0 ? std::string("no data rows") : str("only ", rows, " data row", rows == 1 ? "" : "s"),
                " (a table needs at least 3)");

  const int64_t w = static_cast<int64_t>(width);
  int64_t label_col = opt.label_column < 0 ? w + opt.label_column : opt.label_column;
  SIAMESE_CHECK(label_col >= 0 && label_col < w, ConfigError, path, ": label column ", opt.label_column,
                " is out of range for ", w, " columns");
  torch::Tensor all = torch::tensor(values, torch::kFloat64).reshape({rows, w});
  std::vector<int64_t> feature_cols;
  for (int64_t c = 0; c < w; ++c)
    if (c != label_col) feature_cols.push_back(c);

  CsvTable t;
  t.source = path;
  t.x = all.index_select(1, torch::tensor(feature_cols, torch::kInt64)).contiguous();
  if (opt.zscore) t.x = zscore_columns(t.x);

  std::vector<double> raw(static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) raw[static_cast<size_t>(r)] = values[static_cast<size_t>(r * w + label_col)];
  int64_t first_non_integer = -1;
  for (int64_t r = 0; r < rows && first_non_integer < 0; ++r)
    if (raw[static_cast<size_t>(r)] != std::round(raw[static_cast<size_t>(r)])) first_non_integer = r;

  std::string mode = opt.labels == "auto" ? (first_non_integer < 0 ? "class" : "tertiles") : opt.labels;
  t.label_mode = mode;
  std::vector<int64_t> y(static_cast<size_t>(rows));
  if (mode == "class") {
    SIAMESE_CHECK(first_non_integer < 0, DataError, path, ":", row_line[static_cast<size_t>(std::max<int64_t>(0, first_non_integer))],
                  ": column ", label_col + 1, ": label ", raw[static_cast<size_t>(std::max<int64_t>(0, first_non_integer))],
                  " is not an integer (use labels=tertiles for a continuous target)");
    std::map<double, int64_t> index;
    for (double v : raw) index.emplace(v, 0);
    int64_t next = 0;
    for (auto& kv : index) {
      kv.second = next++;
      t.label_values.push_back(kv.first);
    }
    for (int64_t r = 0; r < rows; ++r) y[static_cast<size_t>(r)] = index[raw[static_cast<size_t>(r)]];
    // scikit-learn's first header line is "N,d,name_0,...": use the names when they match the classes.
    bool named = false;
    if (!headers.empty()) {
      const auto& h = headers.front();
      double n_decl = 0, d_decl = 0;
      if (h.size() == 2 + index.size() && parse_number(h[0], n_decl) && parse_number(h[1], d_decl) &&
          n_decl == static_cast<double>(rows) && d_decl == static_cast<double>(w - 1)) {  // no cast: 1e300 is a number
        named = std::none_of(h.begin() + 2, h.end(), [](const std::string& s) { return s.empty(); });
        if (named) t.class_names.assign(h.begin() + 2, h.end());
      }
    }
    if (!named)
      for (double v : t.label_values)  // integer-valued, but not always an int64 (1e300): no cast then
        t.class_names.push_back(std::fabs(v) < 9e18 ? str(static_cast<int64_t>(v)) : str(v));
  } else {
    std::vector<double> sorted = raw;
    std::sort(sorted.begin(), sorted.end());
    double q1 = quantile(sorted, 1.0 / 3.0), q2 = quantile(sorted, 2.0 / 3.0);
    t.label_values = {q1, q2};
    for (int64_t r = 0; r < rows; ++r) {
      double v = raw[static_cast<size_t>(r)];
      y[static_cast<size_t>(r)] = v <= q1 ? 0 : (v <= q2 ? 1 : 2);
    }
    t.class_names = {"tertile_0", "tertile_1", "tertile_2"};
  }
  t.y = torch::tensor(y, torch::kInt64);
  return t;
}

}  // namespace siamese
