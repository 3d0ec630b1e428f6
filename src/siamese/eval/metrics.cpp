#include "siamese/eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "siamese/core/error.h"
#include "siamese/index/exact.h"

namespace siamese {
namespace {

std::vector<double> to_doubles(const torch::Tensor& t, const char* what) {
  SIAMESE_CHECK(t.defined(), DataError, what, " is undefined");
  SIAMESE_CHECK(t.dim() == 1, DataError, what, " must be 1-D, got shape ", t.sizes());
  SIAMESE_CHECK(t.is_floating_point() || c10::isIntegralType(t.scalar_type(), /*includeBool=*/false),
                DataError, what, " must be a real tensor, got ", t.scalar_type());
  torch::Tensor d = t.detach().to(torch::kCPU, torch::kDouble).contiguous();
  const double* p = d.data_ptr<double>();
  return std::vector<double>(p, p + d.numel());
}

std::vector<int64_t> to_labels(const torch::Tensor& t, const char* what) {
  SIAMESE_CHECK(t.defined(), DataError, what, " is undefined");
  SIAMESE_CHECK(t.dim() == 1, DataError, what, " must be 1-D, got shape ", t.sizes());
  SIAMESE_CHECK(c10::isIntegralType(t.scalar_type(), /*includeBool=*/false), DataError, what,
                " must be an integer tensor, got ", t.scalar_type());
  torch::Tensor d = t.detach().to(torch::kCPU, torch::kLong).contiguous();
  const int64_t* p = d.data_ptr<int64_t>();
  return std::vector<int64_t>(p, p + d.numel());
}

// Verification input with the scores oriented so that larger = more "same".
struct Oriented {
  std::vector<double> s;
  std::vector<char> genuine;
  int64_t num_genuine = 0;
  int64_t num_impostor = 0;
};

Oriented orient(const torch::Tensor& scores, const torch::Tensor& same, bool higher_is_same) {
  Oriented o;
  o.s = to_doubles(scores, "scores");
  SIAMESE_CHECK(same.defined() && same.dim() == 1 && same.scalar_type() == torch::kBool, DataError,
                "same must be a 1-D bool tensor (true = genuine pair), got ",
                same.defined() ? c10::toString(same.scalar_type()) : "undefined");
  SIAMESE_CHECK(same.numel() == static_cast<int64_t>(o.s.size()), DataError, "scores has ", o.s.size(),
                " entries but same has ", same.numel());
  torch::Tensor sc = same.detach().to(torch::kCPU).contiguous();
  const bool* g = sc.data_ptr<bool>();
  o.genuine.resize(o.s.size());
  for (size_t i = 0; i < o.s.size(); ++i) {
    SIAMESE_CHECK(std::isfinite(o.s[i]), DataError, "scores[", i, "] is not finite (", o.s[i], ")");
    if (!higher_is_same) o.s[i] = -o.s[i];
    o.genuine[i] = g[i] ? 1 : 0;
    (g[i] ? o.num_genuine : o.num_impostor)++;
  }
  return o;
}

void require_both_classes(const Oriented& o, const char* meter) {
  SIAMESE_CHECK(o.num_genuine > 0 && o.num_impostor > 0, DataError, meter,
                " needs both genuine and impostor pairs, got ", o.num_genuine, " genuine and ",
                o.num_impostor, " impostor");
}

// One step of the ROC: the distinct oriented score v and the cumulative counts accepted at v.
struct Step {
  double v;
  int64_t tp, fp;
};

// Distinct oriented scores from the most to the least "same", with cumulative accepted counts.
std::vector<Step> cumulative_steps(const Oriented& o) {
  std::vector<int64_t> order(o.s.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return o.s[a] > o.s[b]; });
  std::vector<Step> steps;
  int64_t tp = 0, fp = 0;
  for (size_t i = 0; i < order.size();) {
    const double v = o.s[order[i]];
    for (; i < order.size() && o.s[order[i]] == v; ++i) (o.genuine[order[i]] ? tp : fp)++;
    steps.push_back({v, tp, fp});
  }
  return steps;
}

double to_score_units(double oriented, bool higher_is_same) { return higher_is_same ? oriented : -oriented; }

}  // namespace

RocCurve roc_curve(const torch::Tensor& scores, const torch::Tensor& same, bool higher_is_same) {
  const Oriented o = orient(scores, same, higher_is_same);
  require_both_classes(o, "roc_curve");
  const double np = static_cast<double>(o.num_genuine), nn = static_cast<double>(o.num_impostor);
  RocCurve roc;
  roc.fpr.push_back(0.0);
  roc.tpr.push_back(0.0);
  roc.thresholds.push_back(to_score_units(std::numeric_limits<double>::infinity(), higher_is_same));
  for (const Step& st : cumulative_steps(o)) {
    roc.fpr.push_back(static_cast<double>(st.fp) / nn);
    roc.tpr.push_back(static_cast<double>(st.tp) / np);
    roc.thresholds.push_back(to_score_units(st.v, higher_is_same));
  }
  return roc;
}

double roc_auc(const torch::Tensor& scores, const torch::Tensor& same, bool higher_is_same) {
  const Oriented o = orient(scores, same, higher_is_same);
  require_both_classes(o, "roc_auc");
  std::vector<int64_t> order(o.s.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return o.s[a] < o.s[b]; });
  // Sum of the (1-based, tie-averaged) ascending ranks of the genuine scores. Every term is a multiple of
  // 1/2, so the sum is exact in double and the only rounding is the final division.
  double genuine_rank_sum = 0.0;
  for (size_t a = 0; a < order.size();) {
    size_t b = a;
    int64_t genuine_in_group = 0;
    for (; b < order.size() && o.s[order[b]] == o.s[order[a]]; ++b) genuine_in_group += o.genuine[order[b]];
    const double average_rank = static_cast<double>(a + 1 + b) / 2.0;
    genuine_rank_sum += average_rank * static_cast<double>(genuine_in_group);
    a = b;
  }
  const double np = static_cast<double>(o.num_genuine), nn = static_cast<double>(o.num_impostor);
  const double u = genuine_rank_sum - np * (np + 1.0) / 2.0;
  return u / (np * nn);
}

Eer equal_error_rate(const torch::Tensor& scores, const torch::Tensor& same, bool higher_is_same) {
  const RocCurve roc = roc_curve(scores, same, higher_is_same);
  const size_t n = roc.fpr.size();
  // Point 0 has FAR 0 < FRR 1 and the last point FAR 1 > FRR 0, so a crossing exists.
  size_t i = 1;
  while (i < n && roc.fpr[i] < 1.0 - roc.tpr[i]) ++i;
  SIAMESE_ASSERT(i < n, "ROC curve does not reach (1, 1)");
  const double d0 = roc.fpr[i - 1] - (1.0 - roc.tpr[i - 1]);
  const double d1 = roc.fpr[i] - (1.0 - roc.tpr[i]);
  const double alpha = d1 == 0.0 ? 1.0 : -d0 / (d1 - d0);
  Eer out;
  out.eer = alpha >= 1.0 ? roc.fpr[i] : roc.fpr[i - 1] + alpha * (roc.fpr[i] - roc.fpr[i - 1]);
  if (alpha >= 1.0 || !std::isfinite(roc.thresholds[i - 1]))
    out.threshold = roc.thresholds[i];
  else
    out.threshold = roc.thresholds[i - 1] + alpha * (roc.thresholds[i] - roc.thresholds[i - 1]);
  return out;
}

double tar_at_far(const torch::Tensor& scores, const torch::Tensor& same, bool higher_is_same,
                  double far) {
  SIAMESE_CHECK(far >= 0.0 && far <= 1.0, ConfigError, "tar_at_far: far must be in [0, 1], got ", far);
  const RocCurve roc = roc_curve(scores, same, higher_is_same);
  double best = 0.0;
  for (size_t i = 0; i < roc.fpr.size(); ++i)
    if (roc.fpr[i] <= far) best = std::max(best, roc.tpr[i]);
  return best;
}

ThresholdChoice best_threshold(const torch::Tensor& scores, const torch::Tensor& same,
                               bool higher_is_same) {
  const Oriented o = orient(scores, same, higher_is_same);
  SIAMESE_CHECK(!o.s.empty(), DataError, "best_threshold needs at least one pair");
  const std::vector<Step> steps = cumulative_steps(o);
  const double total = static_cast<double>(o.s.size());
  // Candidate j accepts the first j distinct scores (j = 0: nothing accepted).
  auto correct = [&](size_t j) {
    const int64_t tp = j == 0 ? 0 : steps[j - 1].tp;
    const int64_t fp = j == 0 ? 0 : steps[j - 1].fp;
    return tp + (o.num_impostor - fp);
  };
  auto oriented_threshold = [&](size_t j) {
    if (j == 0) return steps.front().v + 1.0;
    if (j == steps.size()) return steps.back().v - 1.0;
    return steps[j - 1].v + (steps[j].v - steps[j - 1].v) / 2.0;
  };
  size_t best_j = 0;
  int64_t best_correct = correct(0);
  for (size_t j = 1; j <= steps.size(); ++j) {
    const int64_t c = correct(j);
    if (c > best_correct) {
      best_correct = c;
      best_j = j;
    }
  }
  return {to_score_units(oriented_threshold(best_j), higher_is_same),
          static_cast<double>(best_correct) / total};
}

double accuracy_at(const torch::Tensor& scores, const torch::Tensor& same, bool higher_is_same,
                   double threshold) {
  const Oriented o = orient(scores, same, higher_is_same);
  SIAMESE_CHECK(!o.s.empty(), DataError, "accuracy_at needs at least one pair");
  const double t = higher_is_same ? threshold : -threshold;
  int64_t correct = 0;
  for (size_t i = 0; i < o.s.size(); ++i) correct += ((o.s[i] >= t) == (o.genuine[i] != 0)) ? 1 : 0;
  return static_cast<double>(correct) / static_cast<double>(o.s.size());
}

namespace {

void check_embeddings(const torch::Tensor& emb, const char* what) {
  SIAMESE_CHECK(emb.defined() && emb.dim() == 2, DataError, what, " must be 2-D [n, d], got shape ",
                emb.defined() ? emb.sizes() : torch::IntArrayRef{});
  SIAMESE_CHECK(emb.is_floating_point(), DataError, what, " must be floating point, got ", emb.scalar_type());
}

void check_knn_inputs(const torch::Tensor& query_emb, const torch::Tensor& ref_emb, int64_t nr_labels, int64_t k,
                      bool exclude_self) {
  check_embeddings(query_emb, "query_emb");
  check_embeddings(ref_emb, "ref_emb");
  const int64_t nq = query_emb.size(0), nr = ref_emb.size(0);
  SIAMESE_CHECK(nr_labels == nr, DataError, "ref_emb has ", nr, " rows but ref_labels has ", nr_labels);
  SIAMESE_CHECK(query_emb.size(1) == ref_emb.size(1), DataError, "query and reference widths differ: ",
                query_emb.size(1), " vs ", ref_emb.size(1));
  SIAMESE_CHECK(!exclude_self || nq == nr, DataError,
                "knn_accuracy with exclude_self needs the query set to be the reference set, got ", nq,
                " queries and ", nr, " references");
  SIAMESE_CHECK(nq > 0, DataError, "knn_accuracy: no queries");
  const int64_t available = exclude_self ? nr - 1 : nr;
  SIAMESE_CHECK(k >= 1, ConfigError, "knn_accuracy: k must be >= 1, got ", k);
  SIAMESE_CHECK(k <= available, ConfigError, "knn_accuracy: k = ", k, " but only ", available,
                " references are available");
}

// The majority label of one query's k neighbours (keys oriented: smaller = nearer, nearest first).
int64_t vote(const int64_t* ids, const double* keys, int64_t k, const std::vector<int64_t>& ref_labels) {
  struct Vote {
    int64_t count = 0;
    double sum = 0.0;
    int64_t first_rank = 0;
  };
  std::map<int64_t, Vote> votes;
  for (int64_t r = 0; r < k; ++r) {
    auto it = votes.find(ref_labels[ids[r]]);
    if (it == votes.end()) it = votes.emplace(ref_labels[ids[r]], Vote{0, 0.0, r}).first;
    it->second.count++;
    it->second.sum += keys[r];
  }
  int64_t predicted = 0;
  const Vote* best = nullptr;
  for (const auto& [label, v] : votes) {
    const bool better = best == nullptr || v.count > best->count ||
                        (v.count == best->count &&
                         (v.sum < best->sum || (v.sum == best->sum && v.first_rank < best->first_rank)));
    if (better) {
      best = &v;
      predicted = label;
    }
  }
  return predicted;
}

}  // namespace

torch::Tensor knn_predict(const torch::Tensor& query_emb, const torch::Tensor& ref_emb,
                          const torch::Tensor& ref_labels, int64_t k, const Distance& dist, bool exclude_self) {
  torch::NoGradGuard no_grad;
  const std::vector<int64_t> rl = to_labels(ref_labels, "ref_labels");
  check_knn_inputs(query_emb, ref_emb, static_cast<int64_t>(rl.size()), k, exclude_self);
  const Neighbours nn = exact_knn(query_emb, ref_emb, k, dist, exclude_self);
  torch::Tensor keys = nn.values.to(torch::kDouble);
  if (dist.is_similarity()) keys = -keys;
  keys = keys.contiguous();
  const torch::Tensor ids = nn.ids.contiguous();
  const int64_t nq = ids.size(0);
  torch::Tensor out = torch::empty({nq}, torch::kInt64);
  int64_t* op = out.data_ptr<int64_t>();
  for (int64_t i = 0; i < nq; ++i) op[i] = vote(ids.data_ptr<int64_t>() + i * k, keys.data_ptr<double>() + i * k, k, rl);
  return out;
}

double knn_accuracy(const torch::Tensor& query_emb, const torch::Tensor& query_labels,
                    const torch::Tensor& ref_emb, const torch::Tensor& ref_labels, int64_t k,
                    const Distance& dist, bool exclude_self) {
  const std::vector<int64_t> ql = to_labels(query_labels, "query_labels");
  check_embeddings(query_emb, "query_emb");
  SIAMESE_CHECK(static_cast<int64_t>(ql.size()) == query_emb.size(0), DataError, "query_emb has ",
                query_emb.size(0), " rows but query_labels has ", ql.size());
  const torch::Tensor predicted = knn_predict(query_emb, ref_emb, ref_labels, k, dist, exclude_self);
  const int64_t* pp = predicted.data_ptr<int64_t>();
  int64_t correct = 0;
  for (size_t i = 0; i < ql.size(); ++i) correct += pp[i] == ql[i] ? 1 : 0;
  return static_cast<double>(correct) / static_cast<double>(ql.size());
}

namespace {

// Adds one query's P@1, recall@k hits and average precision; rel[r] = the (r + 1)-th retrieved item is
// relevant, r_count = relevant items in the set.
void score_query(const std::vector<char>& rel, int64_t r_count, const std::vector<int64_t>& recall_ks, int64_t depth,
                 std::vector<int64_t>& recall_hits, double& p1_sum, double& ap_sum) {
  p1_sum += rel[0];
  for (size_t j = 0; j < recall_ks.size(); ++j) {
    const int64_t kk = std::min(recall_ks[j], depth);
    recall_hits[j] += std::any_of(rel.begin(), rel.begin() + kk, [](char c) { return c != 0; }) ? 1 : 0;
  }
  int64_t hits = 0;
  double precision_sum = 0.0;
  for (int64_t r = 0; r < r_count; ++r) {
    if (!rel[r]) continue;
    ++hits;
    precision_sum += static_cast<double>(hits) / static_cast<double>(r + 1);
  }
  ap_sum += precision_sum / static_cast<double>(r_count);
}

}  // namespace

double RetrievalMetrics::recall_at_k(int64_t k) const {
  for (size_t i = 0; i < ks.size(); ++i)
    if (ks[i] == k) return recall[i];
  std::string known;
  for (int64_t x : ks) known += (known.empty() ? "" : ", ") + std::to_string(x);
  throw ConfigError(str("recall@", k, " was not computed (computed: ", known.empty() ? "none" : known, ")"));
}

RetrievalMetrics retrieval_metrics(const torch::Tensor& emb, const torch::Tensor& labels,
                                   const Distance& dist, std::vector<int64_t> recall_ks) {
  torch::NoGradGuard no_grad;
  check_embeddings(emb, "emb");
  const std::vector<int64_t> lab = to_labels(labels, "labels");
  const int64_t n = emb.size(0);
  SIAMESE_CHECK(static_cast<int64_t>(lab.size()) == n, DataError, "emb has ", n, " rows but labels has ",
                lab.size());
  SIAMESE_CHECK(n >= 2, DataError, "retrieval_metrics needs at least 2 items, got ", n);
  for (int64_t k : recall_ks) SIAMESE_CHECK(k >= 1, ConfigError, "recall@k needs k >= 1, got ", k);

  std::unordered_map<int64_t, int64_t> class_size;
  for (int64_t l : lab) class_size[l]++;
  int64_t max_r = 0;
  for (const auto& [l, c] : class_size) max_r = std::max(max_r, c - 1);
  int64_t depth = max_r;
  for (int64_t k : recall_ks) depth = std::max(depth, k);
  depth = std::min(depth, n - 1);

  RetrievalMetrics out;
  out.ks = recall_ks;
  std::vector<int64_t> recall_hits(recall_ks.size(), 0);
  double p1_sum = 0.0, ap_sum = 0.0;
  std::vector<char> rel(static_cast<size_t>(depth));
  // Queries in slices, so the neighbour lists held at once stay within the search's block budget.
  const int64_t slice = rows_per_block(kDefaultSearchBudgetBytes, n, sizeof(double));
  for (int64_t start = 0; start < n; start += slice) {
    const int64_t b = std::min(slice, n - start);
    const torch::Tensor ids =
        exact_knn(emb.narrow(0, start, b), emb, depth, dist, /*exclude_self=*/true, kDefaultSearchBudgetBytes, start)
            .ids.contiguous();
    for (int64_t i = 0; i < b; ++i) {
      const int64_t q = start + i;
      const int64_t r_count = class_size[lab[q]] - 1;
      if (r_count == 0) {
        out.num_skipped++;
        continue;
      }
      out.num_queries++;
      const int64_t* row = ids.data_ptr<int64_t>() + i * depth;
      for (int64_t r = 0; r < depth; ++r) {
        SIAMESE_ASSERT(row[r] != q, "a query retrieved itself");
        rel[r] = lab[row[r]] == lab[q] ? 1 : 0;
      }
      score_query(rel, r_count, recall_ks, depth, recall_hits, p1_sum, ap_sum);
    }
  }
  SIAMESE_CHECK(out.num_queries > 0, DataError,
                "retrieval_metrics: every class has a single item, so no query has a relevant match");
  const double nqd = static_cast<double>(out.num_queries);
  out.precision_at_1 = p1_sum / nqd;
  out.map_at_r = ap_sum / nqd;
  for (int64_t h : recall_hits) out.recall.push_back(static_cast<double>(h) / nqd);
  return out;
}

namespace {

// Uniform integer in [0, bound], unbiased, defined only by the mt19937_64 stream (the standard fixes
// mt19937_64 exactly, unlike uniform_int_distribution), so samples are identical across platforms.
uint64_t uniform_upto(std::mt19937_64& gen, uint64_t bound) {
  if (bound == std::numeric_limits<uint64_t>::max()) return gen();
  const uint64_t range = bound + 1;
  const uint64_t reject_below = (0 - range) % range;  // 2^64 mod range
  uint64_t r;
  do r = gen();
  while (r < reject_below);
  return r % range;
}

}  // namespace

PairSample verification_pairs(const torch::Tensor& labels, int64_t max_pairs, uint64_t seed) {
  const std::vector<int64_t> lab = to_labels(labels, "labels");
  const int64_t n = static_cast<int64_t>(lab.size());
  SIAMESE_CHECK(n >= 2, DataError, "verification_pairs needs at least 2 items, got ", n);
  SIAMESE_CHECK(max_pairs >= 1, ConfigError, "verification_pairs: max_pairs must be >= 1, got ", max_pairs);
  const uint64_t total = static_cast<uint64_t>(n) * static_cast<uint64_t>(n - 1) / 2;

  // Linear pair index: pairs (i, j), i < j, numbered in lexicographic order.
  std::vector<uint64_t> chosen;
  if (total <= static_cast<uint64_t>(max_pairs)) {
    chosen.resize(total);
    std::iota(chosen.begin(), chosen.end(), uint64_t{0});
  } else {
    // Floyd's algorithm: a uniform max_pairs-subset of [0, total) in max_pairs draws.
    const uint64_t m = static_cast<uint64_t>(max_pairs);
    std::mt19937_64 gen(seed);
    std::unordered_set<uint64_t> set;
    set.reserve(m * 2);
    for (uint64_t j = total - m; j < total; ++j) {
      const uint64_t t = uniform_upto(gen, j);
      if (!set.insert(t).second) set.insert(j);
    }
    chosen.assign(set.begin(), set.end());
    std::sort(chosen.begin(), chosen.end());
  }

  const int64_t m = static_cast<int64_t>(chosen.size());
  torch::Tensor first = torch::empty({m}, torch::kLong);
  torch::Tensor second = torch::empty({m}, torch::kLong);
  torch::Tensor same = torch::empty({m}, torch::kBool);
  int64_t* fp = first.data_ptr<int64_t>();
  int64_t* sp = second.data_ptr<int64_t>();
  bool* gp = same.data_ptr<bool>();
  int64_t i = 0;
  uint64_t row_start = 0, row_len = static_cast<uint64_t>(n - 1);
  for (int64_t p = 0; p < m; ++p) {
    while (chosen[p] >= row_start + row_len) {
      row_start += row_len;
      --row_len;
      ++i;
    }
    const int64_t j = i + 1 + static_cast<int64_t>(chosen[p] - row_start);
    fp[p] = i;
    sp[p] = j;
    gp[p] = lab[i] == lab[j];
  }
  return {first, second, same};
}

double nmi(const torch::Tensor& labels, const torch::Tensor& cluster_ids) {
  const std::vector<int64_t> u = to_labels(labels, "labels");
  const std::vector<int64_t> v = to_labels(cluster_ids, "cluster_ids");
  SIAMESE_CHECK(u.size() == v.size(), DataError, "labels has ", u.size(), " entries but cluster_ids has ",
                v.size());
  SIAMESE_CHECK(!u.empty(), DataError, "nmi needs at least one item");
  std::map<int64_t, int64_t> cu, cv;
  std::map<std::pair<int64_t, int64_t>, int64_t> joint;
  for (size_t i = 0; i < u.size(); ++i) {
    cu[u[i]]++;
    cv[v[i]]++;
    joint[{u[i], v[i]}]++;
  }
  const double n = static_cast<double>(u.size());
  auto entropy = [n](const std::map<int64_t, int64_t>& counts) {
    double h = 0.0;
    for (const auto& [key, c] : counts) {
      const double p = static_cast<double>(c) / n;
      h -= p * std::log(p);
    }
    return h;
  };
  const double hu = entropy(cu), hv = entropy(cv);
  if (cu.size() == 1 && cv.size() == 1) return 1.0;
  double mi = 0.0;
  for (const auto& [key, c] : joint) {
    const double nij = static_cast<double>(c);
    mi += nij / n * std::log(n * nij / (static_cast<double>(cu[key.first]) * static_cast<double>(cv[key.second])));
  }
  const double mean_h = (hu + hv) / 2.0;
  if (mean_h <= 0.0) return 1.0;
  return std::clamp(mi / mean_h, 0.0, 1.0);
}

}  // namespace siamese
