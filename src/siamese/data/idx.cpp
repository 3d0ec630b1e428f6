#include "siamese/data/idx.h"

#include <cstring>
#include <vector>

#include "siamese/core/error.h"
#include "siamese/core/fs.h"
#include "siamese/data/gzip.h"

namespace siamese {

namespace {

uint32_t be32(const std::string& s, size_t off) {
  auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[off + k])); };
  return (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
}

torch::Tensor read_idx(const std::string& path, uint32_t magic, size_t ndims, const char* what) {
  const std::string bytes = read_maybe_gzip(path);
  if (bytes.empty()) throw DataError(str(path, ": empty file"));
  const size_t header = 4 + 4 * ndims;
  if (bytes.size() < header) throw DataError(str(path, ": truncated header (", bytes.size(), " bytes)"));
  const uint32_t m = be32(bytes, 0);
  if (m != magic)
    throw DataError(str(path, ": wrong magic number ", m, " (expected ", magic, " for IDX ", what,
                        m == 2051 || m == 2049 ? "; images and labels swapped?" : "", ")"));
  std::vector<int64_t> dims;
  size_t count = 1;
  for (size_t k = 0; k < ndims; ++k) {
    dims.push_back(be32(bytes, 4 + 4 * k));
    count *= static_cast<size_t>(dims.back());
  }
  if (dims[0] == 0) throw DataError(str(path, ": contains no ", what));
  for (size_t k = 1; k < ndims; ++k)
    if (dims[k] == 0 || dims[k] > 4096) throw DataError(str(path, ": implausible dimension ", dims[k]));
  if (bytes.size() < header + count)
    throw DataError(str(path, ": truncated: header promises ", dims[0], " ", what, " (", count,
                        " bytes) but the file holds ", bytes.size() - header));
  if (bytes.size() > header + count)
    throw DataError(str(path, ": ", bytes.size() - header - count, " unexpected bytes after the data"));
  auto t = torch::empty(dims, torch::kUInt8);
  std::memcpy(t.data_ptr<uint8_t>(), bytes.data() + header, count);
  return t;
}

void write_idx(const std::string& path, const torch::Tensor& t, uint32_t magic) {
  auto c = t.contiguous().to(torch::kUInt8);
  std::string data;
  auto put = [&](uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) data.push_back(static_cast<char>((v >> s) & 0xff));
  };
  put(magic);
  for (auto d : c.sizes()) put(static_cast<uint32_t>(d));
  data.append(reinterpret_cast<const char*>(c.data_ptr<uint8_t>()), c.numel());
  write_file_atomic(path, data);
}

}  // namespace

torch::Tensor read_idx_images(const std::string& path) { return read_idx(path, 2051, 3, "images"); }
torch::Tensor read_idx_labels(const std::string& path) { return read_idx(path, 2049, 1, "labels"); }
void write_idx_images(const std::string& path, const torch::Tensor& images) { write_idx(path, images, 2051); }
void write_idx_labels(const std::string& path, const torch::Tensor& labels) { write_idx(path, labels, 2049); }

std::pair<torch::Tensor, torch::Tensor> read_idx_pair(const std::string& images_path,
                                                      const std::string& labels_path) {
  auto x = read_idx_images(images_path);
  auto y = read_idx_labels(labels_path);
  if (x.size(0) != y.size(0))
    throw DataError(str(images_path, ": holds ", x.size(0), " images but ", labels_path, " holds ", y.size(0),
                        " labels"));
  return {x.unsqueeze(1).to(torch::kFloat32).div_(255.0), y.to(torch::kLong)};
}

}  // namespace siamese
