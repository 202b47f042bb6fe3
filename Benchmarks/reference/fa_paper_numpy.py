"""NumPy re-implementation of the whole official Feature Averaging experiment (fa-paper), for timing.

The experiment TheoryCheck's engine benchmark times end to end, with the same shapes and protocol:
- data: d = 3072, k = 10 orthogonal features √d·Q (QR of a Gaussian d×k matrix), J+ = clusters 0..4,
  1000 training and 1000 test points, exactly 100 per cluster, noise N(0, I);
- the binary net (5 neurons per sign, a = ±1, logistic loss) and the per-cluster net (10 neurons,
  identity head, cross-entropy on the cluster index): W ~ N(0, (1e-5)²), b = 0 (trained), full-batch
  GD, η = 0.001, 100 steps;
- both robust-accuracy curves at the radii 0, 2, …, 46 under the official protocol: ℓ2 PGD, 7 steps
  of ε/4 on the model's own loss, random start on the sphere of radius ε, projection onto the ball,
  a point counts as robust if it is classified correctly before the attack and at every iterate
  (only points still robust are attacked; TheoryCheck's `RobustAccuracy.robustSamples`).
The random numbers are numpy's (the data are not TheoryCheck's): a timing reference, not a replay.

    python3 Benchmarks/reference/fa_paper_numpy.py time [repetitions]

prints the critical radii (sanity: the binary net breaks near √(d/k) ≈ 17.5) and, last, a JSON line
{"seconds": best wall time}.
"""
import json
import sys
import time

import numpy as np

from fa_gd_numpy import activation, gd, head_matrix, logit_gradient

D, K, POSITIVE, N, TEST, STEPS, LR = 3072, 10, 5, 1000, 1000, 100, 0.001
RADII = np.arange(0, 47, 2, dtype=float)


def data(rng):
    q, _ = np.linalg.qr(rng.standard_normal((D, K)))
    features = np.sqrt(D) * q.T  # k × d
    def sample(n):
        clusters = np.repeat(np.arange(K), n // K)
        return features[clusters] + rng.standard_normal((n, D)), clusters
    return sample(N), sample(TEST)


def predictions(X, W, b, A):
    F = np.maximum(X @ W.T + b, 0) @ A
    return np.where(F[:, 0] > 0, 1, -1) if F.shape[1] == 1 else F.argmax(axis=1)


def robust_curve(X, y, W, b, A, loss, rng):
    value, slope = activation("relu", 3, 1.0)
    correct = predictions(X, W, b, A) == y
    curve = []
    for epsilon in RADII:
        robust = correct.copy()
        if epsilon > 0:
            alive = np.flatnonzero(robust)
            x, labels = X[alive], y[alive]
            delta = rng.standard_normal(x.shape)
            delta *= epsilon / np.linalg.norm(delta, axis=1, keepdims=True)
            fooled = np.zeros(len(alive), dtype=bool)
            for step in range(8):
                Z = (x + delta) @ W.T + b
                F = value(Z) @ A
                fooled |= (np.where(F[:, 0] > 0, 1, -1) if F.shape[1] == 1 else F.argmax(axis=1)) != labels
                if step == 7:
                    break
                G = logit_gradient(F, labels, loss) * len(alive)  # per-sample loss gradient
                g = ((G @ A.T) * slope(Z)) @ W
                norms = np.linalg.norm(g, axis=1, keepdims=True)
                delta += np.where(norms > 0, 0.25 * epsilon * g / np.where(norms > 0, norms, 1), 0)
                lengths = np.linalg.norm(delta, axis=1, keepdims=True)
                delta *= np.where(lengths > epsilon, epsilon / lengths, 1)
            robust[alive[fooled]] = False
        curve.append(robust.mean())
    return np.minimum.accumulate(np.array(curve))


def experiment(seed):
    rng = np.random.default_rng(seed)
    (X, clusters), (Xt, clusters_t) = data(rng)
    signs, signs_t = np.where(clusters < POSITIVE, 1, -1), np.where(clusters_t < POSITIVE, 1, -1)
    critical = {}
    for name, m, A, y, yt, loss in [
        ("binary", 10, head_matrix(np.array([1.0] * 5 + [-1.0] * 5), np.zeros(10, dtype=int)), signs, signs_t, "logistic"),
        ("cluster", 10, head_matrix(np.ones(10), np.arange(10)), clusters, clusters_t, "cross-entropy"),
    ]:
        W0, b0 = 1e-5 * rng.standard_normal((m, D)), np.zeros(m)
        W, b = gd(X, y, W0, b0, A, loss, LR, STEPS)
        curve = robust_curve(Xt, yt, W, b, A, loss, rng)
        below = np.flatnonzero(curve <= 0.05)
        critical[name] = float(RADII[below[0]]) if len(below) else float("inf")
    return critical


def main():
    if len(sys.argv) < 2 or sys.argv[1] != "time":
        sys.exit(__doc__)
    repetitions = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    best = float("inf")
    for r in range(repetitions):
        start = time.perf_counter()
        critical = experiment(r)
        best = min(best, time.perf_counter() - start)
    print(f"numpy fa-paper end to end: {best:.2f} s (best of {repetitions}); critical radii (first grid radius with "
          f"robust accuracy ≤ 0.05): binary {critical['binary']}, cluster {critical['cluster']}")
    print(json.dumps({"seconds": best}))


if __name__ == "__main__":
    main()
