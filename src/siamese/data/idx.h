// IDX files (the MNIST / Fashion-MNIST format), plain or gzip-compressed (read through zlib, so both work).
//
// Header: big-endian magic 0x00000803 (2051, uint8 images [n, rows, cols]) or 0x00000801 (2049, uint8
// labels [n]), then the dimensions, then the data. Every check (magic, dimensions, truncation, trailing
// bytes, image/label counts) throws DataError naming the file.
#pragma once

#include <torch/torch.h>

#include <string>

namespace siamese {

torch::Tensor read_idx_images(const std::string& path);  // uint8 [n, rows, cols]
torch::Tensor read_idx_labels(const std::string& path);  // uint8 [n]

// Writes uncompressed IDX (atomically: temp file + rename).
void write_idx_images(const std::string& path, const torch::Tensor& images);  // uint8 [n, rows, cols]
void write_idx_labels(const std::string& path, const torch::Tensor& labels);  // uint8 [n]

// Images scaled to float [n, 1, rows, cols] in [0, 1] (x / 255) and labels as int64; counts must match.
std::pair<torch::Tensor, torch::Tensor> read_idx_pair(const std::string& images_path,
                                                      const std::string& labels_path);

}  // namespace siamese
