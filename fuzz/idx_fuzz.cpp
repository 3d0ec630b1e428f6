// libFuzzer target: the IDX reader (src/siamese/data/idx.*), plain and gzip-compressed.
//
// Input: byte 0 selects the entry point (images, labels, or the image/label pair); the rest is the file.
// For the pair, bytes 1-2 (big-endian) give the length of the image file and the remainder is the label
// file. gzread passes plain bytes through and inflates a gzip stream, so seeds in both forms reach both
// paths. Oracle (fuzz_common.h): a tensor or a documented siamese error, nothing else; a tensor returned
// must match the header it came from.
#include <cstring>

#include "fuzz_common.h"
#include "siamese/data/idx.h"

using namespace siamese;

namespace {

void check_images(const torch::Tensor& t) {
  if (t.dim() != 3 || t.scalar_type() != torch::kUInt8 || t.size(0) == 0)
    fuzz::finding("contract", "read_idx_images returned a tensor that is not non-empty uint8 [n, rows, cols]");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const int mode = data[0] % 3;
  ++data;
  --size;
  const std::string a = fuzz::scratch_path("idx_a"), b = fuzz::scratch_path("idx_b");
  if (mode == 0) {
    fuzz::write_bytes(a, data, size);
    fuzz::expect_documented_errors([&] { check_images(read_idx_images(a)); });
  } else if (mode == 1) {
    fuzz::write_bytes(a, data, size);
    fuzz::expect_documented_errors([&] {
      auto t = read_idx_labels(a);
      if (t.dim() != 1 || t.scalar_type() != torch::kUInt8 || t.size(0) == 0)
        fuzz::finding("contract", "read_idx_labels returned a tensor that is not non-empty uint8 [n]");
    });
  } else {
    if (size < 2) return 0;
    size_t first = std::min<size_t>((size_t(data[0]) << 8) | data[1], size - 2);
    fuzz::write_bytes(a, data + 2, first);
    fuzz::write_bytes(b, data + 2 + first, size - 2 - first);
    fuzz::expect_documented_errors([&] {
      auto [x, y] = read_idx_pair(a, b);
      if (x.dim() != 4 || x.size(1) != 1 || y.dim() != 1 || x.size(0) != y.size(0) ||
          x.scalar_type() != torch::kFloat32 || y.scalar_type() != torch::kLong)
        fuzz::finding("contract", "read_idx_pair returned tensors of the wrong shape or type");
      if (x.numel() > 0 && (x.min().item<float>() < 0 || x.max().item<float>() > 1))
        fuzz::finding("contract", "read_idx_pair returned pixels outside [0, 1]");
    });
  }
  return 0;
}
