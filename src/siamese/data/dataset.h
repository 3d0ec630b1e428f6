// In-memory labelled data sets.
//
// A TensorDataset holds inputs x [N, ...] (float32, images as [N, C, H, W] scaled to [0, 1]) and class
// labels y (int64 [N], values 0..num_classes-1). A DataSplits holds train / val / test parts; val is split
// off train (seeded, stratified) to choose thresholds without touching test.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "siamese/core/registry.h"

namespace siamese {

struct TensorDataset {
  torch::Tensor x;
  torch::Tensor y;
  std::vector<std::string> class_names;
  torch::Tensor group;  // optional int64 [N]: rows with the same group id are declared equivalent

  int64_t size() const { return x.defined() ? x.size(0) : 0; }
  std::vector<int64_t> input_shape() const;
  int64_t num_classes() const;
  TensorDataset subset(const torch::Tensor& rows) const;
};

struct DataSplits {
  std::string name;
  TensorDataset train, val, test;
};

// Seeded stratified split: returns (rows for the first part, rows for the second part); `first_fraction`
// of each class goes to the first part (at least one example per class when the class has two or more).
std::pair<torch::Tensor, torch::Tensor> stratified_split(const torch::Tensor& y, double first_fraction,
                                                         uint64_t seed);

// A dataset source builds the raw train/test parts; finish_splits() then applies the shared [data] keys
// (classes, limits, val split), which every source accepts.
using DatasetRegistry = Registry<DataSplits>;
const DatasetRegistry& dataset_registry();
Schema data_common_schema();
void finish_splits(DataSplits& d, const Params& p, uint64_t seed);

// Loads [data] of a recipe: the named source, then finish_splits.
DataSplits load_data(const std::string& name, const Params& p, uint64_t seed);

}  // namespace siamese
