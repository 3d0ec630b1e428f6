#!/usr/bin/env bash
# Issue 4 results: time to quality of three sampling schemes, and DrLIM's shift (in)variance.
# Usage: bench/sampling_study.sh [siamese binary] [iterations of the time-to-quality runs]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-build/siamese}"
ITERS="${2:-3000}"
for r in caffe-pairs m-per-class-all-pairs m-per-class-hard-pairs; do
  "$BIN" train "recipes/sampling-$r.toml" --force --set train.iterations="$ITERS"
done
python3 bench/time_to_quality.py runs/sampling-caffe-pairs runs/sampling-m-per-class-all-pairs \
  runs/sampling-m-per-class-hard-pairs
for r in plain shifted shifted-invariant; do
  "$BIN" train "recipes/drlim-mnist49-$r.toml" --force
  "$BIN" embed --run-dir "runs/drlim-mnist49-$r" --split test
  python3 bench/drlim_shift_correlation.py "runs/drlim-mnist49-$r"
done
