"""Reference for the exact ℓ2 radii of a binary two-layer ReLU net (Proofs/robustness.md, "Exact
radii"): every activation pattern is enumerated (no pruning) and each region's distance problem
min ‖t‖ s.t. N·t ≥ h is solved by enumerating *every* active set A — t = N_Aᵀ(N_A N_Aᵀ)⁻¹h_A,
kept when its multipliers are ≥ 0 and it is feasible (the KKT conditions, checked directly) — in the
coordinates of an orthonormal basis of span{w_r} (numpy QR; δ outside the span changes no
pre-activation, so the minimiser lies in it). A different algorithm from the engine's (no NNLS, no
pruning, no rationals); cost 2^m·2^(m+1) small solves per point, so for nets of a few neurons.
Nothing of the project is imported. (scipy's SLSQP was tried first as the generic solver: from
t = 0 it reported no feasible point in regions that hold one, and is not used.)

    python3 Benchmarks/reference/exact_radius_reference.py RUN_DIR ROBUSTNESS_JSON [N]

RUN_DIR: `theorycheck train … --out RUN_DIR` of a binary ReLU net; ROBUSTNESS_JSON: the output of
`theorycheck robustness --run RUN_DIR --attack exact[,exact-linf]`. Compares the first N (default 20)
points' radii; exit 1 when one differs by more than 1e-6 relative. When the report also holds an
`exact-linf` curve, its radii are compared with the ℓ∞ reference: every pattern's region distance
min ‖δ‖∞ as a linear program solved by SciPy's `linprog` (HiGHS) — a generic LP solver, not the
engine's simplex.
"""
import itertools
import json
import sys

import numpy as np


def radius(W, b, a, x, y, U):
    z = W @ x + b
    f = a @ np.maximum(z, 0)
    if (y > 0 and f <= 0) or (y < 0 and f > 0):
        return 0.0
    G = W @ U                                          # ⟨w_r, U t⟩ = (G t)_r
    m = len(b)
    best = np.inf
    for pattern in itertools.product([False, True], repeat=m):
        s = np.array(pattern)
        g, f_s = (a * s) @ G, (a * s) @ z              # f on the region: f_s + g·t
        if y < 0 and not np.any((a * s) > 0):
            continue                                   # f ≤ 0 on the whole region: no point of {f > 0}
                                                       # (independent neurons: f_S > 0 somewhere iff an
                                                       # active a_r > 0; Proofs/robustness.md, the open-set rule)
        N = np.array([G[r] if s[r] else -G[r] for r in range(m)] + [-y * g])
        h = np.array([-z[r] if s[r] else z[r] for r in range(m)] + [y * f_s])
        for k in range(m + 2):
            for A in itertools.combinations(range(m + 1), k):
                A = list(A)
                if k == 0:
                    t = np.zeros(G.shape[1])
                else:
                    K = N[A] @ N[A].T
                    if np.linalg.matrix_rank(K) < k:
                        continue
                    lam = np.linalg.solve(K, h[A])
                    if np.any(lam < 0):
                        continue
                    t = N[A].T @ lam
                if np.all(N @ t - h >= -1e-9 * (1 + np.abs(h))):
                    best = min(best, float(np.linalg.norm(t)))
    return best


def radius_linf(W, b, a, x, y):
    """ℓ∞: every pattern, min t s.t. N·δ ≥ h, −t ≤ δ_i ≤ t, by scipy.optimize.linprog."""
    from scipy.optimize import linprog
    z = W @ x + b
    f = a @ np.maximum(z, 0)
    if (y > 0 and f <= 0) or (y < 0 and f > 0):
        return 0.0
    m, d = W.shape
    best = np.inf
    for pattern in itertools.product([False, True], repeat=m):
        s = np.array(pattern)
        g, f_s = (a * s) @ W, (a * s) @ z
        if y < 0 and not np.any((a * s) > 0):
            continue
        N = np.array([W[r] if s[r] else -W[r] for r in range(m)] + [-y * g])
        h = np.array([-z[r] if s[r] else z[r] for r in range(m)] + [y * f_s])
        # variables (δ, t): minimise t; −N·δ ≤ −h; δ_i − t ≤ 0; −δ_i − t ≤ 0.
        A = np.vstack([np.hstack([-N, np.zeros((m + 1, 1))]),
                       np.hstack([np.eye(d), -np.ones((d, 1))]),
                       np.hstack([-np.eye(d), -np.ones((d, 1))])])
        rhs = np.concatenate([-h, np.zeros(2 * d)])
        c = np.zeros(d + 1)
        c[-1] = 1
        result = linprog(c, A_ub=A, b_ub=rhs, bounds=[(None, None)] * d + [(0, None)], method="highs")
        if result.status == 0:
            best = min(best, float(result.fun))
    return best


def main():
    run, report = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    W, b, a = (np.load(f"{run}/{name}.npy") for name in ["W", "b", "a"])
    X, y = np.load(f"{run}/X_test.npy"), np.load(f"{run}/y_test.npy")
    with open(report) as f:
        exact = next(c for c in json.load(f)["curves"] if c["attack"] == "exact")["pointRadii"]
    U, _ = np.linalg.qr(W.T)
    worst = 0.0
    for i in range(min(n, len(exact))):
        reference = radius(W, b, a, X[i], y[i], U)
        worst = max(worst, abs(reference - exact[i]) / max(exact[i], 1e-12))
    print(f"{min(n, len(exact))} points: largest relative difference between the reference's enumeration and the exact radii {worst:.2e}")
    with open(report) as f:
        linf = next((c["pointRadii"] for c in json.load(f)["curves"] if c["attack"] == "exact-linf"), None)
    worst_linf = 0.0
    if linf is not None:
        for i in range(min(n, len(linf))):
            reference = radius_linf(W, b, a, X[i], y[i])
            worst_linf = max(worst_linf, abs(reference - linf[i]) / max(linf[i], 1e-12))
        print(f"{min(n, len(linf))} points: largest relative difference between SciPy's linprog per region and the exact ℓ∞ radii {worst_linf:.2e}")
    sys.exit(0 if worst <= 1e-6 and worst_linf <= 1e-6 else 1)


if __name__ == "__main__":
    main()
