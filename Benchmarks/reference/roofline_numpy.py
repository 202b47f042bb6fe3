"""NumPy side of the roofline table (`engine-benchmarks 1 roofline`): the machine's DGEMM peak and
NumPy's matmul on the shapes of the hot kernels, on one thread.

    OPENBLAS_NUM_THREADS=1 python3 Benchmarks/reference/roofline_numpy.py REPS n,m,d[,t] …

For each `n,m,d` it times X @ W.T (X n×d, W m×d; with `,t` the transposed result W @ X.T) and
prints one JSON object {"peak": GFLOP/s of a 2048×2048 product, "n,m,d[,t]": GFLOP/s, …}, best
of REPS. GFLOP/s counts 2·n·m·d floating-point operations per product (a multiply and an add per
term). The thread count is the environment's (the caller sets OPENBLAS_NUM_THREADS,
OMP_NUM_THREADS and MKL_NUM_THREADS before NumPy loads).
"""
import json
import sys

import numpy as np

from matmul_numpy import best


def main():
    reps = int(sys.argv[1])
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2048, 2048)), rng.standard_normal((2048, 2048))
    result = {"peak": 2 * 2048 ** 3 / best(lambda: a @ b, max(3, reps // 10)) / 1e9}
    for shape in sys.argv[2:]:
        parts = shape.split(",")
        n, m, d = (int(p) for p in parts[:3])
        x, w = rng.standard_normal((n, d)), rng.standard_normal((m, d))
        f = (lambda: w @ x.T) if parts[3:] == ["t"] else (lambda: x @ w.T)
        result[shape] = 2 * n * m * d / best(f, reps) / 1e9
    print(json.dumps(result))


if __name__ == "__main__":
    main()
