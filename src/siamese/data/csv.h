// CSV loader for labelled numeric tables (one row per example: numeric features and one label column).
//
// Reads plain or gzip-compressed files (detected from the content, so "digits.csv.gz" works) and the
// layouts of scikit-learn's bundled data sets as Debian's python3-sklearn installs them
// (/usr/lib/python3/dist-packages/sklearn/datasets/data/): iris.csv, wine_data.csv and breast_cancer.csv
// have one header line "N,d,class names...", boston_house_prices.csv has two header lines and a continuous
// target, digits.csv.gz has no header.
//
// Header lines: `header_lines` >= 0 skips exactly that many; -1 (auto) treats every leading line that is not
// fully numeric (a word or an empty field) as a header. Class names come from a scikit-learn style first
// header ("N,d,name_0,name_1,...") when it names as many classes as there are.
// Labels: "class" requires integer-valued labels (mapped to 0..C-1 in increasing order); "tertiles" bins a
// continuous target into 3 classes at its 1/3 and 2/3 quantiles (Xing et al. use 3 classes for Boston
// housing; the paper does not give the binning); "auto" picks "class" for integer labels, else "tertiles".
// z-scoring (optional) uses the mean and standard deviation of the whole file; constant columns are centred
// only (divided by 1) so they stay finite.
//
// Ensures: x [N, d] float64 with N >= 3, y [N] int64 in 0..C-1. Errors: DataError naming the file for a table of
// fewer than 3 rows, an unreadable or truncated (gzip) file, and naming the file, the 1-based line and
// the 1-based column of the first bad field (non-numeric, empty, wrong field count, non-integer label).
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

namespace siamese {

struct CsvOptions {
  int header_lines = -1;      // -1 = auto
  int label_column = -1;      // 0-based; negative counts from the end (-1 = last column)
  std::string labels = "auto";  // auto | class | tertiles
  bool zscore = false;
};

struct CsvTable {
  torch::Tensor x;                       // [N, d] float64
  torch::Tensor y;                       // [N] int64
  std::vector<std::string> class_names;  // C names ("0", "1", ... when the file has none)
  std::vector<double> label_values;      // the original label value of each class (class mode), or the
                                         // two tertile cut points (tertiles mode)
  std::string label_mode;                // "class" or "tertiles" (what auto resolved to)
  std::string source;
  int64_t num_classes() const { return static_cast<int64_t>(class_names.size()); }
};

CsvTable load_csv(const std::string& path, const CsvOptions& opt = {});

// Standardises the columns of x [N, d] in place semantics (returns a new tensor): (x - mean) / std, std = 1
// for constant columns.
torch::Tensor zscore_columns(const torch::Tensor& x);

}  // namespace siamese
