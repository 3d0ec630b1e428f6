#include "siamese/index/exact.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "siamese/core/error.h"
#include "siamese/distance/euclidean.h"

namespace siamese {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// The references of one query block that can be among the k nearest, in row-major order (block row
// ascending, then reference row ascending): key = value oriented so that smaller = nearer (float64, for
// the comparison), value = the distance's own value (its dtype, returned as is).
struct Candidates {
  torch::Tensor row, id, key, value;
};

// Fills rows [start, start + b) of the output with the k smallest candidates of each block row by
// (key, reference row); with exclude_self, reference self + i is dropped for block row i.
void take_nearest(const Candidates& c, int64_t start, int64_t self, int64_t b, int64_t k, bool exclude_self,
                  Neighbours& out) {
  const torch::Tensor row = c.row.contiguous(), id = c.id.contiguous(), key = c.key.contiguous();
  const int64_t* rp = row.data_ptr<int64_t>();
  const int64_t* ip = id.data_ptr<int64_t>();
  const double* kp = key.data_ptr<double>();
  const int64_t m = row.numel();
  std::vector<int64_t> chosen;
  chosen.reserve(static_cast<size_t>(b * k));
  std::vector<int64_t> order;
  int64_t p = 0;
  for (int64_t i = 0; i < b; ++i) {
    order.clear();
    for (; p < m && rp[p] == i; ++p)
      if (!(exclude_self && ip[p] == self + i)) order.push_back(p);
    SIAMESE_ASSERT(static_cast<int64_t>(order.size()) >= k, "exact_knn: ", order.size(), " candidates for k = ", k);
    std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int64_t a, int64_t e) {
      return kp[a] < kp[e] || (kp[a] == kp[e] && ip[a] < ip[e]);
    });
    chosen.insert(chosen.end(), order.begin(), order.begin() + k);
  }
  const torch::Tensor pick = torch::tensor(chosen, torch::kInt64);
  if (!out.values.defined()) out.values = torch::empty(out.ids.sizes(), c.value.options());
  out.values.narrow(0, start, b).copy_(c.value.index_select(0, pick).view({b, k}));
  out.ids.narrow(0, start, b).copy_(id.index_select(0, pick).view({b, k}));
}

// Entries of `tile` (oriented, [b, nr]) at or below the k-th smallest of their row: every reference that
// can be among the k nearest by the tie rule, with ties at the k-th place kept.
Candidates candidates_from_tile(const torch::Tensor& tile, int64_t k, bool similarity) {
  const torch::Tensor kth = std::get<0>(tile.topk(k, /*dim=*/1, /*largest=*/false, /*sorted=*/false)).amax(1);
  const torch::Tensor nz = (tile <= kth.unsqueeze(1)).nonzero();
  Candidates c;
  c.row = nz.select(1, 0);
  c.id = nz.select(1, 1);
  const torch::Tensor v = tile.index({c.row, c.id});
  c.key = v.to(torch::kDouble);
  c.value = similarity ? -v : v;
  return c;
}

// Query i of the block is reference self + i: put it out of reach.
void exclude_diagonal(torch::Tensor& tile, int64_t self, int64_t b) {
  tile.narrow(1, self, b).diagonal().fill_(kInf);
}

// Generic route: the block's distances from dist.pairwise.
Candidates generic_block(const torch::Tensor& qb, const torch::Tensor& refs, int64_t self, int64_t k,
                         const Distance& dist, bool exclude_self) {
  torch::Tensor d = dist.pairwise(qb, refs).detach();
  SIAMESE_ASSERT(d.dim() == 2 && d.size(0) == qb.size(0) && d.size(1) == refs.size(0),
                 "distance '", dist.name(), "' pairwise returned shape ", d.sizes());
  SIAMESE_CHECK(d.is_floating_point(), DataError, "distance '", dist.name(), "' returned ", d.scalar_type());
  d = d.contiguous();
  if (dist.is_similarity()) d.neg_();
  SIAMESE_CHECK(!torch::isnan(d).any().item<bool>(), DataError, "distance '", dist.name(),
                "' returned NaN (non-finite embeddings?)");
  if (exclude_self) exclude_diagonal(d, self, qb.size(0));
  return candidates_from_tile(d, k, dist.is_similarity());
}

// What the (squared) Euclidean route needs about the references, computed once.
struct EuclideanScreen {
  double unit = 0;            // unit roundoff of the dtype
  double coefficient = 0;     // c = 4 (d + 8) u
  double eps = 0;             // the distance's eps under the root (0 when squared)
  double max_ref_norm = 0;    // max_j |r_j|
  torch::Tensor ref_sq;       // |r_j|^2 [nr], dtype of the data
};

// Screen for Euclidean / squared Euclidean on float or double data; nullopt-like (unit == 0) otherwise.
EuclideanScreen make_screen(const torch::Tensor& refs, const Distance& dist) {
  EuclideanScreen s;
  const bool squared = dynamic_cast<const SquaredEuclideanDistance*>(&dist) != nullptr;
  const bool plain = dynamic_cast<const EuclideanDistance*>(&dist) != nullptr;
  const auto t = refs.scalar_type();
  if (!(squared || plain) || (t != torch::kFloat && t != torch::kDouble)) return s;
  s.unit = t == torch::kDouble ? std::ldexp(1.0, -53) : std::ldexp(1.0, -24);
  s.coefficient = 4.0 * static_cast<double>(refs.size(1) + 8) * s.unit;
  if (plain) {  // the value at distance 0 is sqrt(eps)
    const torch::Tensor z = torch::zeros({1, 1}, refs.options());
    const double root = dist.paired(z, z).item<double>();
    s.eps = 2.0 * root * root;
  }
  s.ref_sq = refs.square().sum(1);
  s.max_ref_norm = refs.to(torch::kDouble).square().sum(1).max().sqrt().item<double>();
  return s;
}

// Euclidean route. approx = |q|^2 + |r|^2 - 2 q.r differs from the true squared distance, and the value
// dist.paired computes from it, by at most B_i / 2 = c (|q_i| + max|r|)^2 / 2 each. With S_i the k-th
// smallest approx of row i, k references have computed values <= S_i + B_i, so every reference that can be
// among the k nearest has approx <= S_i + 2 B_i (+ 8 u (S_i + B_i + eps) for values that the final
// rounding of sqrt(. + eps) makes equal). Returns false when the screen is not usable for this block (a
// NaN); the caller then takes the generic route.
bool euclidean_block(const torch::Tensor& qb, const torch::Tensor& refs, int64_t self, int64_t k,
                     const Distance& dist, bool exclude_self, const EuclideanScreen& s, int64_t budget_bytes,
                     Candidates& out) {
  const int64_t b = qb.size(0);
  torch::Tensor approx = torch::addmm(s.ref_sq.unsqueeze(0), qb, refs.t(), /*beta=*/1, /*alpha=*/-2);
  approx.add_(qb.square().sum(1).unsqueeze(1));
  if (torch::isnan(approx).any().item<bool>()) return false;
  if (exclude_self) exclude_diagonal(approx, self, b);
  const torch::Tensor kth = std::get<0>(approx.topk(k, 1, /*largest=*/false, /*sorted=*/false)).amax(1);
  const torch::Tensor qnorm = qb.to(torch::kDouble).square().sum(1).sqrt();
  const torch::Tensor bound = s.coefficient * (qnorm + s.max_ref_norm).square();
  const torch::Tensor sk = kth.to(torch::kDouble);
  torch::Tensor limit = sk + 2 * bound + 8 * s.unit * (sk.abs() + bound + s.eps);
  // One step up after the cast, so rounding to the data's dtype never drops a survivor.
  limit = torch::nextafter(limit.to(approx.scalar_type()), torch::full({}, kInf, approx.options()));
  const torch::Tensor nz = (approx <= limit.unsqueeze(1)).nonzero();
  approx.reset();
  out.row = nz.select(1, 0);
  out.id = nz.select(1, 1);
  // The survivors measured exactly, in chunks whose two [rows, d] gathers stay within the budget.
  const int64_t m = nz.size(0);
  const int64_t chunk = rows_per_block(budget_bytes, 2 * refs.size(1), refs.element_size());
  std::vector<torch::Tensor> parts;
  for (int64_t s0 = 0; s0 < m; s0 += chunk) {
    const int64_t e = std::min(m, s0 + chunk);
    parts.push_back(dist.paired(qb.index_select(0, out.row.slice(0, s0, e)), refs.index_select(0, out.id.slice(0, s0, e)))
                        .detach());
  }
  out.value = parts.size() == 1 ? parts[0] : torch::cat(parts);
  out.key = out.value.to(torch::kDouble);
  SIAMESE_CHECK(!torch::isnan(out.key).any().item<bool>(), DataError, "distance '", dist.name(),
                "' returned NaN (non-finite embeddings?)");
  return true;
}

}  // namespace

int64_t rows_per_block(int64_t budget_bytes, int64_t columns, int64_t bytes_per_entry) {
  const int64_t per_row = std::max<int64_t>(1, columns) * std::max<int64_t>(1, bytes_per_entry);
  return std::max<int64_t>(1, budget_bytes / per_row);
}

Neighbours exact_knn(const torch::Tensor& queries, const torch::Tensor& references, int64_t k,
                     const Distance& dist, bool exclude_self, int64_t budget_bytes, int64_t first_query_row) {
  torch::NoGradGuard no_grad;
  SIAMESE_CHECK(queries.defined() && queries.dim() == 2, DataError, "exact_knn: queries must be 2-D [nq, d], got ",
                queries.defined() ? queries.sizes() : torch::IntArrayRef{});
  SIAMESE_CHECK(references.defined() && references.dim() == 2, DataError,
                "exact_knn: references must be 2-D [nr, d], got ",
                references.defined() ? references.sizes() : torch::IntArrayRef{});
  SIAMESE_CHECK(queries.is_floating_point() && references.is_floating_point(), DataError,
                "exact_knn: queries and references must be floating point, got ", queries.scalar_type(), " and ",
                references.scalar_type());
  SIAMESE_CHECK(queries.size(1) == references.size(1), DataError, "exact_knn: query width ", queries.size(1),
                " differs from reference width ", references.size(1));
  const int64_t nq = queries.size(0), nr = references.size(0);
  SIAMESE_CHECK(!exclude_self || (first_query_row >= 0 && first_query_row <= nr - nq), DataError,
                "exact_knn: exclude_self needs the query set to be the reference set (or the rows from ",
                "first_query_row on), got ", nq, " queries from row ", first_query_row, " of ", nr, " references");
  const int64_t available = exclude_self ? nr - 1 : nr;
  SIAMESE_CHECK(k >= 1 && k <= available, ConfigError, "exact_knn: k = ", k, " is out of range: it must be in [1, ",
                available, "] for ", nr, " references", exclude_self ? " with the query itself excluded" : "");
  SIAMESE_CHECK(budget_bytes >= 1, ConfigError, "exact_knn: budget_bytes must be >= 1, got ", budget_bytes);

  const auto type = torch::promote_types(queries.scalar_type(), references.scalar_type());
  const torch::Tensor q = queries.detach().to(type).contiguous();
  const torch::Tensor r = references.detach().to(type).contiguous();
  Neighbours out;
  out.ids = torch::empty({nq, k}, torch::kInt64);
  if (nq == 0) {
    out.values = torch::empty({0, k}, q.options());
    return out;
  }
  const EuclideanScreen screen = make_screen(r, dist);
  const int64_t rows = rows_per_block(budget_bytes, nr, r.element_size());
  for (int64_t start = 0; start < nq; start += rows) {
    const int64_t b = std::min(rows, nq - start);
    const torch::Tensor qb = q.narrow(0, start, b);
    const int64_t self = first_query_row + start;  // reference row of the block's first query
    Candidates c;
    if (screen.unit == 0 || !euclidean_block(qb, r, self, k, dist, exclude_self, screen, budget_bytes, c))
      c = generic_block(qb, r, self, k, dist, exclude_self);
    take_nearest(c, start, self, b, k, exclude_self, out);
  }
  return out;
}

ExactIndex::ExactIndex(std::shared_ptr<const Distance> dist, int64_t budget_bytes)
    : dist_(std::move(dist)), budget_bytes_(budget_bytes) {
  SIAMESE_CHECK(dist_ != nullptr, ConfigError, "ExactIndex needs a distance");
  SIAMESE_CHECK(budget_bytes >= 1, ConfigError, "ExactIndex: budget_bytes must be >= 1, got ", budget_bytes);
}

void ExactIndex::add(const torch::Tensor& vectors, const torch::Tensor& ids) {
  SIAMESE_CHECK(vectors.defined() && vectors.dim() == 2 && vectors.is_floating_point(), DataError,
                "ExactIndex::add: vectors must be a 2-D floating-point tensor");
  SIAMESE_CHECK(!vectors_.defined() || vectors.size(1) == vectors_.size(1), DataError, "ExactIndex::add: width ",
                vectors.size(1), " differs from the index width ", vectors_.defined() ? vectors_.size(1) : 0);
  torch::Tensor new_ids;
  if (ids.defined()) {
    SIAMESE_CHECK(ids.dim() == 1 && ids.size(0) == vectors.size(0) &&
                      c10::isIntegralType(ids.scalar_type(), /*includeBool=*/false),
                  DataError, "ExactIndex::add: ids must be [", vectors.size(0), "] integers");
    new_ids = ids.detach().to(torch::kInt64);
  } else {
    new_ids = torch::arange(size(), size() + vectors.size(0), torch::kInt64);
  }
  const torch::Tensor v = vectors.detach();
  vectors_ = vectors_.defined() ? torch::cat({vectors_, v.to(vectors_.scalar_type())}) : v.clone();
  ids_ = ids_.defined() ? torch::cat({ids_, new_ids}) : new_ids.clone();
}

Neighbours ExactIndex::search(const torch::Tensor& queries, int64_t k) const {
  SIAMESE_CHECK(size() > 0, ConfigError, "ExactIndex::search: the index is empty");
  Neighbours n = exact_knn(queries, vectors_, k, *dist_, /*exclude_self=*/false, budget_bytes_);
  n.ids = ids_.index_select(0, n.ids.reshape({-1})).view(n.ids.sizes());
  return n;
}

}  // namespace siamese
