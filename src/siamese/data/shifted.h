// shifted: a [data] source that adds horizontally shifted copies of another source's images (DrLIM
// experiment B, Hadsell, Chopra & LeCun 2006; docs/methods.md §4.4).
//
// Loads `source` with its default parameters, keeps `source_classes` (relabelled 0..k-1 in that order),
// then lays out each split as blocks of n0 rows: block 0 = the originals, block b = every original
// translated by shifts[b-1] pixels (zero-padded; > 0 moves the content right). Row r is the copy of
// original r mod n0 with shift 0 (block 0) or shifts[r / n0 - 1]. Every row's TensorDataset::group is its
// original's index, so the copies of one image are declared equivalent (the neighbour_graph sampler's
// `equivalences`). The group ids survive only while the split is kept whole: use this source's
// `source_classes`, and set [data] classes = "", limit_train = 0 and val_fraction = 0 (the generic
// filters rebuild the data set without groups; the sampler then refuses to run with equivalences).
#pragma once

#include "siamese/data/dataset.h"

namespace siamese {

// x [N, ..., W] translated by `shift` pixels along the last axis, zero-padded.
torch::Tensor shift_horizontally(const torch::Tensor& x, int64_t shift);

// The originals followed by one shifted block per entry of `shifts`; group = the original's row.
TensorDataset with_shifted_copies(const TensorDataset& d, const std::vector<int64_t>& shifts);

// The shift of row r of a with_shifted_copies() result made from n0 originals.
int64_t shift_of_row(int64_t r, int64_t n0, const std::vector<int64_t>& shifts);

DatasetRegistry::Entry shifted_entry();

}  // namespace siamese
