#include "siamese/data/shifted.h"

#include "siamese/core/error.h"

namespace siamese {

namespace {

TensorDataset keep_relabelled(const TensorDataset& d, const std::vector<int64_t>& classes) {
  if (classes.empty()) return d;
  auto keep = torch::zeros_like(d.y, torch::kBool);
  auto relabel = torch::full_like(d.y, -1);
  std::vector<std::string> names;
  for (size_t k = 0; k < classes.size(); ++k) {
    keep |= d.y == classes[k];
    relabel.masked_fill_(d.y == classes[k], static_cast<int64_t>(k));
    names.push_back(static_cast<size_t>(classes[k]) < d.class_names.size() ? d.class_names[static_cast<size_t>(classes[k])]
                                                                             : std::to_string(classes[k]));
  }
  auto rows = keep.nonzero().flatten();
  return {d.x.index_select(0, rows), relabel.index_select(0, rows), names};
}

}  // namespace

torch::Tensor shift_horizontally(const torch::Tensor& x, int64_t shift) {
  const int64_t w = x.size(-1);
  auto out = torch::zeros_like(x);
  if (shift >= w || -shift >= w) return out;
  if (shift >= 0) out.narrow(-1, shift, w - shift).copy_(x.narrow(-1, 0, w - shift));
  else out.narrow(-1, 0, w + shift).copy_(x.narrow(-1, -shift, w + shift));
  return out;
}

TensorDataset with_shifted_copies(const TensorDataset& d, const std::vector<int64_t>& shifts) {
  std::vector<torch::Tensor> xs{d.x};
  for (int64_t s : shifts) xs.push_back(shift_horizontally(d.x, s));
  const int64_t blocks = static_cast<int64_t>(shifts.size()) + 1;
  TensorDataset out{torch::cat(xs), d.y.repeat({blocks}), d.class_names};
  out.group = torch::arange(d.size(), torch::kLong).repeat({blocks});
  return out;
}

int64_t shift_of_row(int64_t r, int64_t n0, const std::vector<int64_t>& shifts) {
  const int64_t block = r / n0;
  return block == 0 ? 0 : shifts[static_cast<size_t>(block - 1)];
}

DatasetRegistry::Entry shifted_entry() {
  return {"shifted",
          "another source's images plus horizontally shifted copies, each copy grouped with its original (DrLIM B)",
          {text("source", "mnist", "the data source to shift (loaded with its default parameters)"),
           text("source_classes", "4,9", "classes of the source to keep, relabelled 0..k-1 ('' = all)"),
           text("shifts", "-6,-3,3,6", "horizontal shifts in pixels (> 0 = right), one copy each")},
          [](const Params& p) {
            SIAMESE_CHECK(p.s("source") != "shifted", ConfigError, "[data] shifted cannot shift itself");
            const auto& src = dataset_registry().entry(p.s("source"));
            auto base = src.make(make_params(src.schema));
            const auto classes = p.s("source_classes").empty() ? std::vector<int64_t>{}
                                                               : parse_int_list(p.s("source_classes"), "data.source_classes", 0);
            for (int64_t c : classes)
              SIAMESE_CHECK(c >= 0 && c < std::max<int64_t>(base->train.num_classes(), 1), ConfigError,
                            "[data] shifted: class ", c, " does not exist in ", p.s("source"));
            const auto shifts = parse_int_list(p.s("shifts"), "data.shifts");
            SIAMESE_CHECK(base->train.x.dim() >= 2, DataError, "[data] shifted: ", p.s("source"),
                          " has no image width to shift along");
            auto d = std::make_shared<DataSplits>();
            d->name = "shifted(" + base->name + ")";
            d->train = with_shifted_copies(keep_relabelled(base->train, classes), shifts);
            d->test = with_shifted_copies(keep_relabelled(base->test, classes), shifts);
            return d;
          }};
}

}  // namespace siamese
