#!/usr/bin/env python3
"""Time to quality of the sampling study (issue 4, docs/sampling.md).

For each run directory: the first metrics.jsonl row whose periodic check (check_auc, written every
train.eval_every iterations on train.eval_split) reaches the target, its iteration and its training time
train_s (seconds, the checks excluded). Prints a Markdown table; the speed-up is relative to the first run.
    python3 bench/time_to_quality.py runs/sampling-caffe-pairs runs/sampling-m-per-class-all-pairs ... [--target 0.95]
Standard library only.
"""
import json
import sys


def first_reach(path, target):
    best = (None, None, 0.0, None)
    rows = [json.loads(l) for l in open(path) if l.strip()]
    for r in rows:
        if "check_auc" not in r:
            continue
        if r["check_auc"] > best[2]:
            best = (None, None, r["check_auc"], r["iter"])
        if r["check_auc"] >= target:
            return r["iter"], r.get("train_s", r.get("elapsed_s")), r["check_auc"], rows[-1]["iter"]
    return None, None, best[2], rows[-1]["iter"] if rows else 0


def main(argv):
    target = 0.95
    if "--target" in argv:
        k = argv.index("--target")
        target = float(argv[k + 1])
        argv = argv[:k] + argv[k + 2:]
    print(f"| run | iterations to AUC >= {target} | train seconds | AUC then | (best AUC, iterations run) | speed-up |")
    print("|---|---|---|---|---|---|")
    base = None
    for run in argv:
        it, secs, auc, last = first_reach(run + "/metrics.jsonl", target)
        if it is None:
            print(f"| {run} | not reached | - | - | {auc:.4f} in {last} | - |")
            continue
        base = base or secs
        print(f"| {run} | {it} | {secs:.1f} | {auc:.4f} | | {base / secs:.1f}x |")


if __name__ == "__main__":
    main(sys.argv[1:])
