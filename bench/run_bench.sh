#!/usr/bin/env bash
# Throughput of siamese (C++) beside the same network in PyTorch-Python (Debian's python3-torch), measured
# in this one invocation on this machine, printed as ratios against PyTorch's best thread setting.
#
# The peer runs three ways, so the ratio can be read against each:
#   plain    - the network as a PyTorch user writes it, with the environment as it is;
#   blas     - the same with OPENBLAS_CORETYPE set to the kernel siamese selects (core/blas.h);
#   tuned    - that, plus channels-last weights and input (the layout siamese's LeNet branch uses).
# Usage: bench/run_bench.sh BUILD_DIR [SECONDS]
set -euo pipefail
BUILD="${1:-build}"
SECONDS_PER="${2:-3}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

CORE="$("$BUILD/siamese" --version | sed -n 's/.*OpenBLAS \([A-Za-z0-9]*\).*/\1/p')"
echo "== siamese runs OpenBLAS kernel: ${CORE:-unknown}"
echo "== PyTorch-Python peer, plain (threads 1 and 2)"
/usr/bin/python3 "$HERE/peers/caffe_net.py" "$SECONDS_PER" > "$OUT/plain.json"
cat "$OUT/plain.json"
echo "== PyTorch-Python peer, OPENBLAS_CORETYPE=${CORE}"
env ${CORE:+OPENBLAS_CORETYPE=$CORE} /usr/bin/python3 "$HERE/peers/caffe_net.py" "$SECONDS_PER" > "$OUT/blas.json"
cat "$OUT/blas.json"
echo "== PyTorch-Python peer, OPENBLAS_CORETYPE=${CORE} and channels-last"
env ${CORE:+OPENBLAS_CORETYPE=$CORE} /usr/bin/python3 "$HERE/peers/caffe_net.py" "$SECONDS_PER" --channels-last > "$OUT/tuned.json"
cat "$OUT/tuned.json"
echo "== siamese C++ (workers:N = data-parallel shards, workers:-2 = two intra-op threads)"
"$BUILD/caffe_net_bench" --benchmark_format=console --benchmark_out="$OUT/cpp.json" --benchmark_out_format=json
/usr/bin/python3 - "$OUT" <<'PY'
import json, os, sys
out = sys.argv[1]
cpp = json.load(open(os.path.join(out, "cpp.json")))
def best(prefix, counter):
    rows = [(b["name"], b[counter]) for b in cpp["benchmarks"] if b["name"].startswith(prefix)]
    return max(rows, key=lambda r: r[1])
for what, prefix, counter, key, unit in (("training ", "BM_Train", "pairs_per_s", "train_pairs_per_s", "pairs/s"),
                                         ("inference", "BM_Infer", "images_per_s", "infer_images_per_s", "images/s")):
    name, ours = best(prefix, counter)
    print(f"{what}: siamese {ours:7.0f} {unit} ({name.split('/min_time')[0]})")
    for peer in ("plain", "blas", "tuned"):
        p = json.load(open(os.path.join(out, peer + ".json")))
        threads, theirs = max(p[key].items(), key=lambda kv: kv[1])
        print(f"    vs PyTorch {peer:5s} best ({threads} thread(s)) {theirs:7.0f} {unit} -> ratio {ours / theirs:.2f}x")
PY
for b in "$BUILD"/*_bench; do
  [ "$(basename "$b")" = caffe_net_bench ] && continue
  echo "== $(basename "$b")"
  "$b" --benchmark_min_time=0.5
done
