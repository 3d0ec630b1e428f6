#include "siamese/distance/mahalanobis_model.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <vector>

#include "siamese/core/error.h"
#include "siamese/core/fs.h"

namespace siamese {

namespace {
constexpr const char* kFormat = "siamese.mahalanobis";
constexpr int kVersion = 1;
}  // namespace

torch::Tensor MahalanobisModel::transform(const torch::Tensor& x) const {
  SIAMESE_CHECK(L.defined() && L.dim() == 2, DataError, "Mahalanobis model has no 2-D matrix L");
  SIAMESE_CHECK(x.dim() == 2 && x.size(1) == L.size(1), DataError, "transform: expected rows of width ",
                L.size(1), ", got shape ", x.sizes());
  return x.to(L.scalar_type()).matmul(L.t());
}

void MahalanobisModel::save(const std::string& path) const {
  SIAMESE_CHECK(L.defined() && L.dim() == 2, DataError, "cannot save '", path, "': model has no matrix L");
  torch::Tensor l = L.to(torch::kFloat64).contiguous();
  auto a = l.accessor<double, 2>();
  nlohmann::json rows = nlohmann::json::array();
  for (int64_t r = 0; r < l.size(0); ++r) {
    std::vector<double> row(static_cast<size_t>(l.size(1)));
    for (int64_t c = 0; c < l.size(1); ++c) {
      SIAMESE_CHECK(std::isfinite(a[r][c]), DataError, "cannot save '", path, "': L[", r, "][", c,
                    "] is not finite");
      row[static_cast<size_t>(c)] = a[r][c];
    }
    rows.push_back(row);
  }
  nlohmann::json j;
  j["format"] = kFormat;
  j["version"] = kVersion;
  j["L"] = rows;
  // nlohmann prints doubles with enough digits to round-trip exactly, so load(save(m)) == m.
  write_file_atomic(path, j.dump(1) + "\n");
}

MahalanobisModel MahalanobisModel::load(const std::string& path) {
  std::string text = read_file(path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw DataError(str(path, ": not valid JSON (", e.what(), ")"));
  }
  SIAMESE_CHECK(j.is_object() && j.contains("format") && j["format"] == kFormat, DataError, path,
                ": not a Mahalanobis model (expected \"format\": \"", kFormat, "\")");
  SIAMESE_CHECK(j.contains("version") && j["version"].is_number_integer() && j["version"] == kVersion,
                DataError, path, ": unsupported Mahalanobis model version (expected ", kVersion, ")");
  SIAMESE_CHECK(j.contains("L") && j["L"].is_array() && !j["L"].empty(), DataError, path,
                ": \"L\" must be a non-empty array of rows");
  const auto& rows = j["L"];
  size_t cols = 0;
  std::vector<double> flat;
  for (size_t r = 0; r < rows.size(); ++r) {
    SIAMESE_CHECK(rows[r].is_array() && !rows[r].empty(), DataError, path, ": row ", r,
                  " of \"L\" must be a non-empty array");
    if (r == 0) cols = rows[r].size();
    SIAMESE_CHECK(rows[r].size() == cols, DataError, path, ": row ", r, " of \"L\" has ", rows[r].size(),
                  " entries, row 0 has ", cols);
    for (size_t c = 0; c < cols; ++c) {
      const auto& v = rows[r][c];
      SIAMESE_CHECK(v.is_number(), DataError, path, ": L[", r, "][", c, "] is not a number");
      double x = v.get<double>();
      SIAMESE_CHECK(std::isfinite(x), DataError, path, ": L[", r, "][", c, "] is not finite");
      flat.push_back(x);
    }
  }
  MahalanobisModel m;
  m.L = torch::tensor(flat, torch::kFloat64).reshape({static_cast<int64_t>(rows.size()), static_cast<int64_t>(cols)});
  return m;
}

}  // namespace siamese
