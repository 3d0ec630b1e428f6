#!/usr/bin/env python3
"""DrLIM experiment B (issue 4, docs/sampling.md): does the learned 2-D map encode the horizontal shift?

Reads <run>/embeddings-<split>.tsv and .metadata.tsv (from `siamese embed --run-dir <run> --split test`) and
the run's config.toml. For a [data] shifted source the rows come in blocks of n0 = N / (1 + #shifts):
block 0 the originals, block b the copies shifted by shifts[b-1] px (data/shifted.h). Prints, as JSON:
  r_dim0, r_dim1   Pearson correlation of each map coordinate with the shift
  multiple_r       multiple correlation R of the least-squares fit shift ~ a + b·e0 + c·e1 (0 = the map's
                   position says nothing (linearly) about the shift, 1 = it determines it)
  shift_knn_acc    share of points whose nearest neighbour in the map has the same shift (chance ≈ 0.2)
and draws <run>/map-by-shift.png and <run>/map-by-class.png (pure-Python PNG writer, no numpy).
    python3 bench/drlim_shift_correlation.py runs/drlim-mnist49-shifted [--split test]
"""
import json
import math
import re
import struct
import sys
import zlib


def read_config_shifts(run):
    text = open(run + "/config.toml").read()
    m = re.search(r'^shifts\s*=\s*"([^"]*)"', text, re.M)
    return [int(s) for s in m.group(1).split(",")] if m else None


def pearson(a, b):
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    sab = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    saa = sum((x - ma) ** 2 for x in a)
    sbb = sum((y - mb) ** 2 for y in b)
    return sab / math.sqrt(saa * sbb) if saa > 0 and sbb > 0 else 0.0


def multiple_r(e0, e1, s):
    r01, r0s, r1s = pearson(e0, e1), pearson(e0, s), pearson(e1, s)
    den = 1 - r01 * r01
    if den <= 1e-12:
        return abs(r0s)
    r2 = (r0s * r0s + r1s * r1s - 2 * r0s * r1s * r01) / den
    return math.sqrt(max(0.0, min(1.0, r2)))


def nn_same_shift(pts, shift, limit=3000):
    n = min(len(pts), limit)
    step = max(1, len(pts) // n)
    idx = list(range(0, len(pts), step))
    hit = 0
    for i in idx:
        best, bj = float("inf"), -1
        xi, yi = pts[i]
        for j, (x, y) in enumerate(pts):
            if j == i:
                continue
            d = (x - xi) ** 2 + (y - yi) ** 2
            if d < best:
                best, bj = d, j
        hit += shift[bj] == shift[i]
    return hit / len(idx)


PALETTE = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75),
           (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207)]


def write_png(path, pts, cats, names, title_cats, size=560):
    w = h = size
    img = bytearray([255] * (w * h * 3))
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    pad = 20
    sx = (w - 2 * pad - 120) / ((x1 - x0) or 1)
    sy = (h - 2 * pad) / ((y1 - y0) or 1)

    def dot(px, py, col, r=1):
        for dx in range(-r, r + 1):
            for dy in range(-r, r + 1):
                X, Y = px + dx, py + dy
                if 0 <= X < w and 0 <= Y < h:
                    k = (Y * w + X) * 3
                    img[k:k + 3] = bytes(col)

    for (x, y), c in zip(pts, cats):
        dot(int(pad + (x - x0) * sx), int(h - pad - (y - y0) * sy), PALETTE[c % len(PALETTE)])
    # Legend: one swatch per category, top right (colour order = the order of `names`).
    for k, _ in enumerate(names):
        for yy in range(pad + 18 * k, pad + 18 * k + 12):
            for xx in range(w - 100, w - 88):
                img[(yy * w + xx) * 3:(yy * w + xx) * 3 + 3] = bytes(PALETTE[k % len(PALETTE)])
    raw = b"".join(b"\x00" + bytes(img[y * w * 3:(y + 1) * w * 3]) for y in range(h))

    def chunk(t, d):
        c = struct.pack(">I", len(d)) + t + d
        return c + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"tEXt", b"Comment\x00" + ("legend top-right, top to bottom: " + title_cats).encode())
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    open(path, "wb").write(png)


def main(argv):
    run = argv[0]
    split = argv[argv.index("--split") + 1] if "--split" in argv else "test"
    pts = [tuple(float(v) for v in l.split("\t")[:2]) for l in open(f"{run}/embeddings-{split}.tsv") if l.strip()]
    meta = [l.rstrip("\n").split("\t") for l in open(f"{run}/embeddings-{split}.metadata.tsv")][1:]
    labels = [int(m[1]) for m in meta]
    class_names = sorted({(int(m[1]), m[2]) for m in meta})
    shifts = read_config_shifts(run)
    out = {"run": run, "split": split, "points": len(pts)}
    if shifts:
        n0 = len(pts) // (1 + len(shifts))
        assert n0 * (1 + len(shifts)) == len(pts), "rows are not whole shift blocks"
        shift = [0 if r < n0 else shifts[r // n0 - 1] for r in range(len(pts))]
        e0, e1 = [p[0] for p in pts], [p[1] for p in pts]
        out.update(r_dim0=pearson(e0, shift), r_dim1=pearson(e1, shift), multiple_r=multiple_r(e0, e1, shift),
                   shift_knn_acc=nn_same_shift(pts, shift))
        order = sorted(set(shift))
        write_png(f"{run}/map-by-shift.png", pts, [order.index(s) for s in shift], order,
                  ", ".join(f"shift {s:+d}" for s in order))
    write_png(f"{run}/map-by-class.png", pts, labels, class_names, ", ".join(n for _, n in class_names))
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
