"""Independent NumPy replication of FA.featureDecoupling's part (2) and its trend
(Proofs/claims/FA.featureDecoupling.md): the ratio of critical radii of the classifier derived from
the per-cluster net and of the binary-trained net, at each d of the standard sweep, and its
least-squares exponent in d. The GD is the reference implementation of fa_gd_numpy.py (NumPy); the
derived classifier, the attack, the robust-accuracy curve and the critical radius are written here
from the claim's page. Nothing of the project is imported.

For each pair BINARY_DIR CLUSTER_DIR (`theorycheck train` exports of the claim's two configs at one
d, seed 1; see `make_exports` in the docstring of the command below), it
  1. trains both nets by full-batch GD from the exported W_init, b_init on the exported data, and
     compares the final weights with the engine's (W.npy, b.npy);
  2. forms g = Σ_{i < k/2} f_i − Σ_{i ≥ k/2} f_i from the per-cluster net (f_i = ReLU(⟨w_i, x⟩ + b_i));
  3. measures on the exported test set, for the binary net and for g, the robust accuracy over the
     grid ε = 0, 0.5, …, 2√(d/2) under ℓ2 PGD on the margin −y·f (20 steps of ε/4, 3 restarts from
     uniform points of the ball, projection onto the ball), made monotone (a point robust at ε must
     be robust at every smaller grid radius), and the critical radius: the smallest radius where it is
     ≤ 0.05, linearly interpolated between the last grid radius above and the first at or below;
  4. prints the two radii and their ratio, against √k/2, and over all pairs the power-law fit of
     the ratio in d with its 95% interval (Student t, n − 2 degrees of freedom).

    python3 Benchmarks/reference/fa_feature_decoupling_replication.py BINARY_DIR CLUSTER_DIR [BINARY_DIR CLUSTER_DIR …]

Making the exports at dimension D (standard: k = 8, n = 200, 50 test points per cluster, seed 1):
    common="--set data.dimension=D --set data.clusters=8 --set data.positiveClusters=4 --set data.trainSamples=200
            --set data.testSamples=400 --set network.weightInitStd=1e-05 --set network.biasInitStd=0
            --set optimizer.learningRate=1/√D --set optimizer.steps=2D --set optimizer.probeEvery=2D --seed 1"
    theorycheck train --preset fa-small $common --set network.neuronsPerHead=2 --set network.secondLayerScale=0.5 --out B_D
    theorycheck train --preset fa-small-cluster $common --out C_D

Exit 1 when numpy's weights differ from the engine's by more than 1e-9 relative.
"""
import json
import math
import sys

import numpy as np
from scipy import stats

from fa_gd_numpy import gd, head_matrix, load


def network(W, b, coefficients):
    """x ↦ Σ_r c_r ReLU(⟨w_r, x⟩ + b_r) and its input gradient."""
    def value(X):
        return np.maximum(X @ W.T + b, 0) @ coefficients

    def gradient(X):
        return ((X @ W.T + b > 0) * coefficients) @ W
    return value, gradient


def robust_curve(value, gradient, X, y, radii, rng):
    """Monotone robust accuracy at each radius (PGD on the margin, 20 steps of ε/4, 3 restarts from the ball)."""
    n, d = X.shape
    still = y * value(X) > 0
    curve = []
    for epsilon in radii:
        robust = y * value(X) > 0
        if epsilon > 0:
            for _ in range(3):
                g = rng.standard_normal((n, d))
                delta = g / np.linalg.norm(g, axis=1, keepdims=True) * epsilon * rng.random((n, 1)) ** (1 / d)
                for _ in range(20):
                    step = -y[:, None] * gradient(X + delta)           # ascent direction of −y·f
                    norms = np.linalg.norm(step, axis=1, keepdims=True)
                    delta = delta + np.where(norms > 0, 0.25 * epsilon * step / np.where(norms > 0, norms, 1), 0)
                    lengths = np.linalg.norm(delta, axis=1, keepdims=True)
                    delta = delta * np.where(lengths > epsilon, epsilon / np.where(lengths > 0, lengths, 1), 1)
                    robust &= y * value(X + delta) > 0
        still &= robust
        curve.append(float(still.mean()))
    return curve


def critical_radius(radii, curve, level=0.05):
    first = next((i for i, a in enumerate(curve) if a <= level), None)
    if first is None:
        return math.inf
    if first == 0:
        return radii[0]
    a, b = curve[first - 1], curve[first]
    return radii[first - 1] + (a - level) / (a - b) * (radii[first] - radii[first - 1])


def trained(directory):
    arrays, config = load(directory)
    opt = config["optimizer"]
    W, b = gd(arrays["X_train"], arrays["y_train"], arrays["W_init"], arrays["b_init"], head_matrix(arrays["a"], arrays["neuron_output"]),
              config["loss"], opt["learningRate"], opt["steps"], config["network"]["trainBiases"])
    difference = max(np.abs(W - np.load(f"{directory}/W.npy")).max() / np.abs(W).max(),
                     np.abs(b - np.load(f"{directory}/b.npy")).max() / max(np.abs(b).max(), 1e-300))
    return W, b, arrays, config, float(difference)


def main():
    dirs = sys.argv[1:]
    rows, worst = [], 0.0
    for binary_dir, cluster_dir in zip(dirs[::2], dirs[1::2]):
        Wb, bb, data, config, diff_b = trained(binary_dir)
        Wc, bc, _, cluster_config, diff_c = trained(cluster_dir)
        worst = max(worst, diff_b, diff_c)
        d, k = config["data"]["dimension"], config["data"]["clusters"]
        X, y = np.load(f"{binary_dir}/X_test.npy"), np.load(f"{binary_dir}/y_test.npy").astype(float)
        radii = list(np.arange(0, 2 * math.sqrt(d / 2) + 1e-12, 0.5))
        binary = network(Wb, bb, data["a"])
        derived = network(Wc, bc, np.array([1.0 if i < k // 2 else -1.0 for i in range(k)]))
        rng = np.random.default_rng(7)
        r_binary = critical_radius(radii, robust_curve(*binary, X, y, radii, rng))
        r_derived = critical_radius(radii, robust_curve(*derived, X, y, radii, rng))
        rows.append((d, r_binary, r_derived))
        print(f"d = {d}, k = {k}: weights equal the engine's to {diff_b:.1e} (binary) / {diff_c:.1e} (per-cluster); critical radius "
              f"binary {r_binary:.3f} (√(d/k) = {math.sqrt(d / k):.3f}), derived {r_derived:.3f} (√(d/2) = {math.sqrt(d / 2):.3f}), "
              f"ratio {r_derived / r_binary:.3f} against √k/2 = {math.sqrt(k) / 2:.3f}", flush=True)
    if len(rows) >= 3:
        x = np.log([r[0] for r in rows])
        v = np.log([r[2] / r[1] for r in rows])
        fit = stats.linregress(x, v)
        t = stats.t.ppf(0.975, len(rows) - 2)
        print(f"ratio ∝ d^{fit.slope:.3f} [{fit.slope - t * fit.stderr:.3f}, {fit.slope + t * fit.stderr:.3f}] over d = "
              + ", ".join(str(r[0]) for r in rows))
    print(json.dumps({"rows": rows, "largestRelativeWeightDifference": worst}))
    sys.exit(0 if worst <= 1e-9 else 1)


if __name__ == "__main__":
    main()
