// libFuzzer target: the CSV reader (src/siamese/data/csv.*), plain and gzip-compressed.
//
// Input: byte 0 picks the options (header_lines -1..2, labels auto/class/tertiles, zscore), byte 1 the
// label column (-2..2); the rest is the file. Oracle (fuzz_common.h): a table or a documented siamese
// error; a table returned must keep csv.h's promises (x [N, d] finite float64, y [N] int64 in 0..C-1, one
// name per class).
#include "fuzz_common.h"
#include "siamese/data/csv.h"

using namespace siamese;

namespace {

void check_table(const CsvTable& t, const CsvOptions& opt) {
  auto fail = [](const std::string& what) { fuzz::finding("contract", "load_csv: " + what); };
  if (t.x.dim() != 2 || t.x.scalar_type() != torch::kFloat64) fail("x is not [N, d] float64");
  if (t.y.dim() != 1 || t.y.scalar_type() != torch::kLong || t.y.size(0) != t.x.size(0)) fail("y is not [N] int64");
  if (t.x.size(0) < 1 || t.x.size(1) < 1) fail("an empty table was returned");
  if (!torch::isfinite(t.x).all().item<bool>()) fail("x holds a non-finite value");
  const int64_t c = t.num_classes();
  if (c < 1 || t.y.min().item<int64_t>() < 0 || t.y.max().item<int64_t>() >= c) fail("a label is outside 0..C-1");
  if (t.label_mode != "class" && t.label_mode != "tertiles") fail("label_mode is '" + t.label_mode + "'");
  if (opt.labels != "auto" && opt.labels != t.label_mode) fail("label_mode differs from the option");
  if (t.label_mode == "class" && static_cast<int64_t>(t.label_values.size()) != c) fail("one label value per class");
  if (t.label_mode == "tertiles" && (c != 3 || t.label_values.size() != 2)) fail("tertiles: 3 classes, 2 cuts");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  CsvOptions opt;
  opt.header_lines = (data[0] & 3) - 1;
  static const char* const modes[] = {"auto", "class", "tertiles", "auto"};
  opt.labels = modes[(data[0] >> 2) & 3];
  opt.zscore = (data[0] >> 4) & 1;
  opt.label_column = static_cast<int>(data[1] % 5) - 2;
  const std::string path = fuzz::scratch_path("table.csv");
  fuzz::write_bytes(path, data + 2, size - 2);
  fuzz::expect_documented_errors([&] { check_table(load_csv(path, opt), opt); });
  return 0;
}
