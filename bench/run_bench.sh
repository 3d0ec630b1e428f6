#!/usr/bin/env bash
# Throughput of siamese (C++) beside the same network in PyTorch-Python (Debian's python3-torch), measured
# in this one invocation on this machine, printed as ratios against PyTorch's best thread setting.
# Usage: bench/run_bench.sh BUILD_DIR
set -euo pipefail
BUILD="${1:-build}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

echo "== PyTorch-Python peer (threads 1 and 2)"
/usr/bin/python3 "$HERE/peers/caffe_net.py" 3 > "$OUT/peer.json"
cat "$OUT/peer.json"
echo "== siamese C++ (workers:N = data-parallel shards, workers:-2 = two intra-op threads)"
"$BUILD/caffe_net_bench" --benchmark_format=console --benchmark_out="$OUT/cpp.json" --benchmark_out_format=json
/usr/bin/python3 - "$OUT/peer.json" "$OUT/cpp.json" <<'PY'
import json, sys
peer = json.load(open(sys.argv[1]))
cpp = json.load(open(sys.argv[2]))
def best(prefix, counter):
    rows = [(b["name"], b[counter]) for b in cpp["benchmarks"] if b["name"].startswith(prefix)]
    return max(rows, key=lambda r: r[1])
pt_train = max(peer["train_pairs_per_s"].values())
pt_infer = max(peer["infer_images_per_s"].values())
name, ours = best("BM_Train", "pairs_per_s")
print(f"training : siamese {ours:9.0f} pairs/s ({name}) vs PyTorch best {pt_train:9.0f} pairs/s -> ratio {ours / pt_train:.2f}x")
name, ours = best("BM_Infer", "images_per_s")
print(f"inference: siamese {ours:9.0f} images/s ({name}) vs PyTorch best {pt_infer:9.0f} images/s -> ratio {ours / pt_infer:.2f}x")
PY
for b in "$BUILD"/*_bench; do
  [ "$(basename "$b")" = caffe_net_bench ] && continue
  echo "== $(basename "$b")"
  "$b" --benchmark_min_time=0.5
done
