#!/usr/bin/env python3
"""Minimum ℓ∞ distance between differently labelled images with SciPy's cdist(..., 'chebyshev'),
on the first N training and M test images of an IDX directory (the reference the engine benchmark
runs side by side with TheoryCheck's LinfSeparation).

    python3 linf_separation_scipy.py DIR N M

Prints one JSON line: {"trainTrain": T, "testTrain": S, "seconds": X} (T, S in pixel units of 1/255).
Distances are formed in blocks of 1,000 rows (float64; exact for byte differences).
"""
import json
import struct
import sys
import time

import numpy as np
from scipy.spatial.distance import cdist


def read_idx(path):
    data = open(path, "rb").read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def minimum(a, la, b, lb, within):
    best = np.inf
    for start in range(0, len(b), 1000):
        block = cdist(b[start:start + 1000], a, "chebyshev")
        block[lb[start:start + 1000, None] == la[None, :]] = np.inf
        if within:  # pairs i < j only
            rows = np.arange(start, min(start + 1000, len(b)))
            block[rows[:, None] >= np.arange(len(a))[None, :]] = np.inf
        best = min(best, block.min())
    return best


def main():
    directory, n, m = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    x = read_idx(directory + "/train-images-idx3-ubyte").reshape(-1, 784)[:n].astype(np.float64)
    y = read_idx(directory + "/train-labels-idx1-ubyte")[:n]
    tx = read_idx(directory + "/t10k-images-idx3-ubyte").reshape(-1, 784)[:m].astype(np.float64)
    ty = read_idx(directory + "/t10k-labels-idx1-ubyte")[:m]
    start = time.perf_counter()
    tt = minimum(x, y, x, y, True)
    te = minimum(x, y, tx, ty, False)
    print(json.dumps({"trainTrain": int(tt), "testTrain": int(te), "seconds": time.perf_counter() - start}))


if __name__ == "__main__":
    main()
