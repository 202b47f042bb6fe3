"""numpy side of the engine benchmark: times the same products on the same shapes.

    python3 Benchmarks/reference/matmul_numpy.py REPS
prints one JSON object {name: best seconds}. Called by `swift run -c release engine-benchmarks`,
interleaved with the Swift measurements. Data are random normals (the values do not matter to the
timing of a dense product).
"""
import json
import sys
import time

import numpy as np


def best(f, reps):
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    rng = np.random.default_rng(0)
    X = rng.standard_normal((1000, 3072))
    W = rng.standard_normal((10, 3072))
    G = rng.standard_normal((1000, 10))
    A = rng.standard_normal((2048, 2048))
    B = rng.standard_normal((2048, 2048))
    result = {
        "X·Wᵀ (1000×3072 · 3072×10)": best(lambda: X @ W.T, reps),
        "Gᵀ·X (10×1000 · 1000×3072)": best(lambda: G.T @ X, reps),
        "A·B (2048×2048 · 2048×2048)": best(lambda: A @ B, max(2, reps // 10)),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
