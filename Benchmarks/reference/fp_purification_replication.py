"""Independent NumPy replication of FP.purification (and the masses FP.purificationPrinciple reads),
written from Proofs/feature-purification.md and Proofs/claims/FP.purification.md — not translated
from the Swift: it imports nothing of the project.

For each DIR (the output of `theorycheck train --preset purification --seed S --out DIR`: the claim's
standard configuration for seed S), it
  1. trains f(x) = Σ_r a_r σ_b(⟨w_r, x⟩), σ_b(z) = sign(z)·max(|z| − b, 0), from the exported W_init:
     T₁ clean full-batch GD steps on the mean logistic loss, then T₂ steps on FGM adversarial examples
     only (x + ε·g/‖g‖ with g = ∇_x of the loss, per sample; no step where g = 0);
  2. measures, on its own clean (T₁) and final weights and on the engine's final W: the median
     dense-mixture mass (mass(w) = 1 − Σ_{top-s j} ⟨M_j, w⟩²/‖w‖²), clean test accuracy, and robust
     test accuracy at ε under both the dense attack x − y·ε·Mw*/√D and ℓ2 PGD on the margin y·f
     (20 steps of ε/4, 3 restarts from uniform points of the ball; its own random draws, so robust
     accuracy agrees with the engine's to the attack's sampling, not to the bit);
  3. prints the predicate's quantities side by side: mass after ≤ ½·before, clean ≥ 0.9, robust ≥ 0.9.

    python3 Benchmarks/reference/fp_purification_replication.py DIR [DIR …]

Exit 1 when numpy's final weights differ from the engine's by more than 1e-6 relative (the clean and
FGM steps are not chaotic at this size: measured ~1e-13) or a predicate verdict differs.
"""
import json
import sys

import numpy as np


def soft_threshold(z, b):
    return np.sign(z) * np.maximum(np.abs(z) - b, 0), (np.abs(z) > b).astype(float)


def output(X, W, a, b):
    value, _ = soft_threshold(X @ W.T, b)
    return value @ a


def input_gradient_of_margin(X, y, W, a, b):
    """∇_x (y·f(x)) per row."""
    _, slope = soft_threshold(X @ W.T, b)
    return y[:, None] * ((slope * a) @ W)


def train(X, y, W, a, b, lr, steps, adversarial_from, epsilon):
    n = X.shape[0]
    W_clean = None
    for t in range(steps):
        if t == adversarial_from:
            W_clean = W.copy()
        Xt = X
        if t >= adversarial_from:
            # The loss ℓ(y f) = log(1 + e^{−y f}) rises along −∇_x(y f).
            g = -input_gradient_of_margin(X, y, W, a, b)
            norms = np.linalg.norm(g, axis=1, keepdims=True)
            Xt = X + np.where(norms > 0, epsilon * g / np.where(norms > 0, norms, 1), 0)
        Z = Xt @ W.T
        value, slope = soft_threshold(Z, b)
        margin = y * (value @ a)
        dmargin = -1 / (1 + np.exp(margin)) / n                  # ∂(mean ℓ)/∂(y f)
        coefficient = (dmargin * y)[:, None] * slope * a         # ∂L/∂z_{ir}
        W = W - lr * (coefficient.T @ Xt)
    return (W_clean if W_clean is not None else W), W


def median_mass(W, M, s):
    c = W @ M.T                                                   # ⟨M_j, w_r⟩
    top = np.sort(c * c, axis=1)[:, ::-1][:, :s].sum(axis=1)
    return float(np.median(1 - top / (W * W).sum(axis=1)))


def robust_accuracy(X, y, W, a, b, epsilon, u, rng):
    dense = y * output(X - y[:, None] * epsilon * u, W, a, b) > 0
    robust = y * output(X, W, a, b) > 0
    for _ in range(3):
        # A uniform point of the ℓ2 ball: a Gaussian direction, radius ε·U^{1/d}.
        g = rng.standard_normal(X.shape)
        delta = g / np.linalg.norm(g, axis=1, keepdims=True) * epsilon * rng.random((X.shape[0], 1)) ** (1 / X.shape[1])
        for _ in range(20):
            grad = -input_gradient_of_margin(X + delta, y, W, a, b)
            norms = np.linalg.norm(grad, axis=1, keepdims=True)
            delta = delta + np.where(norms > 0, 0.25 * epsilon * grad / np.where(norms > 0, norms, 1), 0)
            lengths = np.linalg.norm(delta, axis=1, keepdims=True)
            delta = delta * np.where(lengths > epsilon, epsilon / np.where(lengths > 0, lengths, 1), 1)
            robust &= y * output(X + delta, W, a, b) > 0
    return float(np.mean(robust & dense))


def measure(W_clean, W_final, data, config, rng):
    s, b = config["data"]["sparsity"], config["network"]["activation"]["threshold"]
    epsilon = config["adversarialTraining"]["epsilon"]
    M, a = data["dictionary"], data["a"]
    u = data["teacher"] @ M / np.sqrt(M.shape[0])
    before, after = median_mass(W_clean, M, s), median_mass(W_final, M, s)
    accuracy = float(np.mean(data["y_test"] * output(data["X_test"], W_final, a, b) > 0))
    robust = robust_accuracy(data["X_test"], data["y_test"], W_final, a, b, epsilon, u, rng)
    return {"medianMassBefore": before, "medianMassAfter": after, "testAccuracy": accuracy, "robustTestAccuracy": robust,
            "satisfied": bool(after <= before / 2 and accuracy >= 0.9 and robust >= 0.9)}


def main():
    rows = []
    for directory in sys.argv[1:]:
        names = ["X_train", "y_train", "X_test", "y_test", "W_init", "W", "a", "dictionary", "teacher"]
        data = {name: np.load(f"{directory}/{name}.npy") for name in names}
        with open(f"{directory}/config.json") as f:
            config = json.load(f)
        net, opt, adv = config["network"], config["optimizer"], config["adversarialTraining"]
        assert net["activation"]["kind"] == "soft-threshold" and not net["trainBiases"] and adv["attack"]["steps"] == 1
        assert adv["cleanWeight"] == 0 and config["loss"] == "logistic"
        y = data["y_train"].astype(float)
        data["y_test"] = data["y_test"].astype(float)
        W_clean, W_final = train(data["X_train"], y, data["W_init"], data["a"], net["activation"]["threshold"], opt["learningRate"],
                                 opt["steps"], adv["startStep"], adv["epsilon"])
        rng = np.random.default_rng(config["seed"])
        ours = measure(W_clean, W_final, data, config, rng)
        engine = measure(W_clean, data["W"], data, config, rng)  # the engine's clean weights are the first T₁ steps: ours to ~1e-13
        difference = float(np.max(np.abs(W_final - data["W"])) / np.max(np.abs(data["W"])))
        rows.append((ours, engine, difference))
        print(f"seed {config['seed']}: max relative |W_numpy − W_engine| = {difference:.2e}")
        for key in ours:
            print(f"    {key:20s} numpy {ours[key]!s:>22}   engine weights {engine[key]!s:>22}")
    agree = sum(o["satisfied"] == e["satisfied"] for o, e, _ in rows)
    worst = max(d for *_, d in rows)
    print(f"{len(rows)} seeds: predicate holds on {sum(o['satisfied'] for o, _, _ in rows)} by numpy's own training; "
          f"verdicts agree on {agree}/{len(rows)}; largest relative weight difference {worst:.2e} (tolerance 1e-6)")
    sys.exit(0 if agree == len(rows) and worst <= 1e-6 else 1)


if __name__ == "__main__":
    main()
