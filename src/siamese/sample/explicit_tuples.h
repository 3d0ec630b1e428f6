// pairs_file / triplets_file: tuples listed in a text file, for weak supervision (the labels of the pairs
// need not follow any class label).
//
// Pairs file: one pair per line, "a,b,same" — same is 1/0, true/false or same/different (1 = similar,
// whatever convention a loss uses internally). Triplets file: "a,p,n" (p more similar to a than n).
// An entry is a row index of the training split (0-based) or, when `names` is given, a file path matched
// exactly against that list (one path per training row, line r naming row r). Blank lines and lines starting
// with '#' are skipped; a first line that does not parse (a header such as "a,b,same") is skipped too.
// Indices refer to the training split as the trainer sees it: keep it in the source's order with
// [data] val_fraction = 0, classes = "" and limit_train = 0.
// Epoch e visits every listed tuple once, in an order shuffled from (seed, e); the last batch of an epoch
// wraps around. Errors: DataError naming the file and 1-based line for a bad field or an index out of range.
#pragma once

#include "siamese/sample/sampler.h"

namespace siamese {

class ExplicitTuplesSampler : public Sampler {
 public:
  // arity 2 = pairs file, 3 = triplets file.
  ExplicitTuplesSampler(int arity, std::string path, std::string names, int64_t batch_size, bool shuffle)
      : arity_(arity), path_(std::move(path)), names_(std::move(names)), batch_(batch_size), shuffle_(shuffle) {}
  void reset(const TensorDataset& train, uint64_t seed) override;
  Batch batch(int64_t iteration) const override;
  int64_t tuples_per_batch() const override { return batch_; }
  std::string tuple_name() const override { return arity_ == 2 ? "pairs" : "triplets"; }
  int64_t size() const { return static_cast<int64_t>(cols_[0].size()); }

 private:
  int arity_;
  std::string path_, names_;
  int64_t batch_;
  bool shuffle_;
  uint64_t seed_ = 0;
  torch::Tensor y_;
  std::vector<int64_t> cols_[3];  // a, b, same   or   a, p, n
  mutable int64_t cached_epoch_ = -1;
  mutable std::vector<int64_t> order_;
};

SamplerRegistry::Entry pairs_file_entry();
SamplerRegistry::Entry triplets_file_entry();

}  // namespace siamese
