"""Independent replication of the FP size sweep (Proofs/feature-purification.md, "The size sweep"), in
PyTorch when it is importable (float64, on the GPU when there is one) and NumPy otherwise. Written
from the setting page and the claims' pages — it imports nothing of the project, and it draws its own
data — so that the trend of FP.purification and FP.purificationPrinciple in d = D reaches sizes
(512, 1024) that the engine cannot train on 2 CPU cores within a session.

At each size D (d = D, m = D neurons per output sign, a_r = ±1/D, n = n₆₄·D/64, η = 16·(D/64)²,
σ = 0.02·√(64/D), s = 3, b = 0.5, W ~ N(0, 0.2²), ε = 0.3; T₁ clean and T₂ FGM steps) and seed:
  data   x = M z + ξ, M the Q of a Gaussian D×D matrix, z with s nonzero ±1 entries on a uniform
         support, y = sign⟨w*, z⟩ with w* ∈ {±1}^D; 500 test points;
  train  full-batch GD on the mean logistic loss of f(x) = Σ_r a_r σ_b(⟨w_r, x⟩), T₁ clean steps,
         then T₂ steps on FGM examples only (x + ε·g/‖g‖, g = ∇_x of the loss);
  measure FP.purification's quantities (median dense-mixture mass before/after, clean test accuracy,
         robust test accuracy at ε under the dense attack x − yεMw*/√D and 20-step ℓ2 PGD on the
         margin with 3 restarts from uniform points of the ball) and FP.purificationPrinciple's
         (fraction of neurons with |cos(w, w′)| > 1/√2, median |cos(w, w′)|, median mass of
         v = w − βw′ over median mass of w′).

    python3 Benchmarks/reference/fp_size_trend.py --sizes 64 128 --seeds 1 2 [--clean 1000 --adversarial 3000]
    python3 Benchmarks/reference/fp_size_trend.py --export DIR      # the engine's data and W_init instead

With --export (the output of `theorycheck train` at one level of the sweep), it trains from the
engine's W_init on the engine's data and prints the largest relative difference of its final weights
from the engine's (exit 1 above 1e-6) beside the quantities. Prints one JSON line per run.
"""
import argparse
import json
import math
import sys

import numpy as np

try:
    import torch
    torch.set_default_dtype(torch.float64)
    DEVICE = "cuda" if torch.cuda.is_available() else "cpu"
except ImportError:  # NumPy fallback: the same operations
    torch = None
    DEVICE = "cpu"


def array(x):
    return torch.as_tensor(np.asarray(x, dtype=np.float64), device=DEVICE) if torch else np.asarray(x, dtype=np.float64)


def numpy(x):
    return x.detach().cpu().numpy() if torch else x


def row_norms(x):
    return torch.linalg.norm(x, dim=1, keepdim=True) if torch else np.linalg.norm(x, axis=1, keepdims=True)


def exp(x):
    return torch.exp(x) if torch else np.exp(x)


def normalised(g, length):
    """length·g/‖g‖ per row, 0 where g = 0."""
    norms = row_norms(g)
    return g * (length / (norms + (norms == 0)))  # (norms == 0) rows have g = 0


def soft_threshold(z, b):
    """σ_b(z) = sign(z)·max(|z| − b, 0) and its slope 1{|z| > b}."""
    slope = (abs(z) > b) * 1.0
    return (z - b * ((z > 0) * 1.0 - (z < 0) * 1.0)) * slope, slope


def output(X, W, a, b):
    return soft_threshold(X @ W.T, b)[0] @ a


def margin_gradient(X, y, W, a, b):
    """∇_x (y·f(x)) per row."""
    slope = soft_threshold(X @ W.T, b)[1]
    return y[:, None] * ((slope * a) @ W)


def train(X, y, W, a, b, lr, clean, adversarial, epsilon):
    n = X.shape[0]
    W_clean = W
    for t in range(clean + adversarial):
        if t == clean:
            W_clean = W
        Xt = X if t < clean else X + normalised(-margin_gradient(X, y, W, a, b), epsilon)  # the loss rises along −∇(yf)
        value, slope = soft_threshold(Xt @ W.T, b)
        dmargin = -1 / (1 + exp(y * (value @ a))) / n
        W = W - lr * (((dmargin * y)[:, None] * slope * a).T @ Xt)
        if not bool(abs(W).max() < 1e12):
            raise SystemExit(f"diverged at step {t}")
    return W_clean, W


def robust_accuracy(X, y, W, a, b, epsilon, u, generator):
    robust = (y * output(X - y[:, None] * epsilon * u[None, :], W, a, b)) > 0
    robust = robust & ((y * output(X, W, a, b)) > 0)
    for _ in range(3):
        g = array(generator.standard_normal(X.shape))
        radius = array(generator.random((X.shape[0], 1)) ** (1 / X.shape[1])) * epsilon
        delta = normalised(g, 1.0) * radius
        for _ in range(20):
            delta = delta + normalised(-margin_gradient(X + delta, y, W, a, b), 0.25 * epsilon)
            lengths = row_norms(delta)
            delta = delta * ((lengths > epsilon) * (epsilon / (lengths + (lengths == 0))) + (lengths <= epsilon) * 1.0)
            robust = robust & ((y * output(X + delta, W, a, b)) > 0)
    return float(numpy(robust * 1.0).mean())


def masses(W, M, s):
    """1 − Σ_{top-s j} ⟨M_j, w⟩²/‖w‖² per row (M's rows are the atoms)."""
    c = numpy(W @ M.T) ** 2
    top = np.sort(c, axis=1)[:, ::-1][:, :s].sum(axis=1)
    return 1 - top / (numpy(W) ** 2).sum(axis=1)


def measure(W_clean, W_final, M, teacher, X_test, y_test, a, b, s, epsilon, generator):
    before, after = float(np.median(masses(W_clean, M, s))), float(np.median(masses(W_final, M, s)))
    u = teacher @ M / math.sqrt(M.shape[0])
    w, p = numpy(W_clean), numpy(W_final)
    wp, pp, ww = (w * p).sum(axis=1), (p * p).sum(axis=1), (w * w).sum(axis=1)
    cosine = np.abs(wp) / np.sqrt(pp * ww)
    v = w - (wp / pp)[:, None] * p
    return {"medianMassBefore": before, "medianMassAfter": after,
            "testAccuracy": float(numpy(((y_test * output(X_test, W_final, a, b)) > 0) * 1.0).mean()),
            "robustTestAccuracy": robust_accuracy(X_test, y_test, W_final, a, b, epsilon, u, generator),
            "fractionDominant": float((cosine > 1 / math.sqrt(2)).mean()), "medianCosine": float(np.median(cosine)),
            "medianResidualMass": float(np.median(masses(array(v), M, s))), "medianPurifiedMass": after}


def sparse_coding(D, n, s, sigma, generator):
    """n codes z (s nonzero ±1 entries on a uniform support) and n noise vectors ξ ~ N(0, σ²I)."""
    support = np.argsort(generator.random((n, D)), axis=1)[:, :s]
    z = np.zeros((n, D))
    np.put_along_axis(z, support, generator.choice([-1.0, 1.0], size=(n, s)), axis=1)
    return z, sigma * generator.standard_normal((n, D))


def own_run(D, seed, clean, adversarial, samples64):
    generator = np.random.default_rng([seed, D])
    s, b, epsilon = 3, 0.5, 0.3
    n, sigma, lr = samples64 * D // 64, 0.02 * math.sqrt(64 / D), 16 * (D / 64) ** 2
    Q, R = np.linalg.qr(generator.standard_normal((D, D)))
    M = (Q * np.sign(np.diag(R))).T          # rows: the atoms M_j (orthonormal)
    teacher = generator.choice([-1.0, 1.0], size=D)
    z, noise = sparse_coding(D, n + 500, s, sigma, generator)
    X, y = z @ M + noise, np.sign(z @ teacher)  # s odd: ⟨w*, z⟩ ≠ 0
    a = np.concatenate([np.full(D, 1 / D), np.full(D, -1 / D)])
    W0 = 0.2 * generator.standard_normal((2 * D, D))
    X, y, a, W0, Mt = array(X), array(y), array(a), array(W0), array(M)
    W_clean, W_final = train(X[:n], y[:n], W0, a, b, lr, clean, adversarial, epsilon)
    values = measure(W_clean, W_final, Mt, array(teacher), X[n:], y[n:], a, b, s, epsilon, np.random.default_rng([seed, D, 1]))
    return {"D": D, "seed": seed, "n": n, "T1": clean, "T2": adversarial, **values}


def export_run(directory):
    load = lambda name: np.load(f"{directory}/{name}.npy")
    with open(f"{directory}/config.json") as f:
        config = json.load(f)
    net, opt, adv, data = config["network"], config["optimizer"], config["adversarialTraining"], config["data"]
    b, s = net["activation"]["threshold"], data["sparsity"]
    X, y, a, W0, M = array(load("X_train")), array(load("y_train")), array(load("a")), array(load("W_init")), array(load("dictionary"))
    W_clean, W_final = train(X, y, W0, a, b, opt["learningRate"], adv["startStep"], opt["steps"] - adv["startStep"], adv["epsilon"])
    engine = load("W")
    difference = float(np.abs(numpy(W_final) - engine).max() / np.abs(engine).max())
    values = measure(W_clean, W_final, M, array(load("teacher")), array(load("X_test")), array(load("y_test")), a, b, s, adv["epsilon"],
                     np.random.default_rng(config["seed"]))
    return {"D": data["atoms"], "seed": config["seed"], "export": directory, "maxRelativeWeightDifference": difference, **values}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[])
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--clean", type=int, default=1000)
    parser.add_argument("--adversarial", type=int, default=3000)
    parser.add_argument("--samples64", type=int, default=1000)
    parser.add_argument("--export", nargs="*", default=[])
    arguments = parser.parse_args()
    print(json.dumps({"backend": f"torch {torch.__version__} on {DEVICE}" if torch else f"numpy {np.__version__}"}), flush=True)
    worst = 0.0
    for directory in arguments.export:
        row = export_run(directory)
        worst = max(worst, row["maxRelativeWeightDifference"])
        print(json.dumps(row), flush=True)
    for D in arguments.sizes:
        for seed in arguments.seeds:
            print(json.dumps(own_run(D, seed, arguments.clean, arguments.adversarial, arguments.samples64)), flush=True)
    sys.exit(0 if worst <= 1e-6 else 1)


if __name__ == "__main__":
    main()
