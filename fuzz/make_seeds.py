#!/usr/bin/env python3
"""Writes the seed corpora of the IDX, CSV and recipe fuzz targets (fuzz/*_fuzz.cpp) into OUT/<target>/.

Each seed is a small valid input in the target's framing (see the comment at the top of each target):
IDX images / labels / image-label pairs, plain and gzip; CSV tables in the layouts csv.h documents;
the repository's recipes with a few `--set` overrides. The checkpoint target writes its own seeds
(SIAMESE_FUZZ_WRITE_SEEDS), as valid files need the library's own writer.
Usage: make_seeds.py OUT REPO_ROOT
"""
import gzip
import os
import struct
import sys


def idx(magic, dims, payload):
    return struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in dims) + bytes(payload)


def write(folder, name, data):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def idx_seeds(out):
    d = os.path.join(out, "idx")
    images = idx(2051, [3, 2, 4], [(7 * k) % 256 for k in range(24)])
    labels = idx(2049, [3], [1, 0, 9])
    gz = lambda b: gzip.compress(b, mtime=0)
    write(d, "images", b"\x00" + images)
    write(d, "images_gz", b"\x00" + gz(images))
    write(d, "labels", b"\x01" + labels)
    write(d, "labels_gz", b"\x01" + gz(labels))
    for name, a, b in [("pair", images, labels), ("pair_gz", gz(images), gz(labels))]:
        write(d, name, b"\x02" + struct.pack(">H", len(a)) + a + b)
    write(d, "images_one", b"\x00" + idx(2051, [1, 1, 1], [255]))


def csv_seeds(out):
    d = os.path.join(out, "csv")
    # byte 0: header_lines (bits 0-1, minus 1), labels (bits 2-3), zscore (bit 4); byte 1: label column + 2
    tables = {
        "sklearn_header": "4,2,setosa,versicolor\n5.1,3.5,0\n4.9,3.0,0\n6.2,2.9,1\n5.9,3.0,1\n",
        "no_header": "1,2,3,0\n4,5,6,1\n7,8,9,2\n1.5,2.5,3.5,0\n",
        "continuous": "a,b,target\n0.1,0.2,24.0\n0.3,0.1,21.6\n0.5,0.9,34.7\n0.2,0.2,33.4\n0.4,0.7,36.2\n",
        "two_headers": "506,13\nCRIM,ZN,MEDV\n0.00632,18,24\n0.02731,0,21.6\n0.02729,0,34.7\n",
        "quoted_crlf": "\"x\",\"y\",\"label\"\r\n1,2,\"3\"\r\n4,5,\"3\"\r\n\r\n7,8,4\r\n",
    }
    for name, text in tables.items():
        write(d, name, b"\x00\x03" + text.encode())
        write(d, name + "_gz_class_z", b"\x14\x03" + gzip.compress(text.encode(), mtime=0))
    write(d, "first_column_label", b"\x01\x02" + b"label,f\n0,1.0\n1,2.0\n0,3.0\n")
    write(d, "tertiles", b"\x08\x03" + b"1,0.5\n2,1.5\n3,2.5\n4,3.5\n5,4.5\n6,5.5\n")


def recipe_seeds(out, root):
    d = os.path.join(out, "recipe")
    recipes = []
    for base, _, files in os.walk(os.path.join(root, "recipes")):
        recipes += [os.path.join(base, f) for f in sorted(files) if f.endswith(".toml")]
    overrides = [b"loss.margin=0.5", b"model.hidden=\"32,16\"", b"optimizer.lr=1e-3", b"train.iterations=10",
                 b"data.name=csv", b"sampler.name=m_per_class", b"run.name=x y"]
    for k, path in enumerate(sorted(recipes)):
        with open(path, "rb") as f:
            text = f.read()
        name = os.path.relpath(path, root).replace("/", "_")
        write(d, name, text)
        write(d, name + "_set", text + b"\x00" + overrides[k % len(overrides)] + b"\x00" +
              overrides[(k + 3) % len(overrides)])
    write(d, "mlp_escapes", b"[run]\nname = \"tab\\there \\u00e9\"\n[model]\nname = \"mlp\"\nhidden = \"8,4\"\n"
                            b"[optimizer]\nlr = 1.5e-3\nweight_decay = 0.0\n")
    write(d, "set_only", b"\x00model.name=mlp\x00model.hidden=16\x00optimizer.type=adam")


if __name__ == "__main__":
    out, root = sys.argv[1], sys.argv[2]
    idx_seeds(out)
    csv_seeds(out)
    recipe_seeds(out, root)
