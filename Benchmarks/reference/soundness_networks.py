#!/usr/bin/env python3
"""Seeded two-layer ReLU networks for the exact-radius soundness fuzz (soundness_fuzz.py).

Each family is a function (numpy Generator) → network; a network directory holds W.npy (m × d,
float64), b.npy (m,), a.npy ((m,) binary or (k, m) dense), X_test.npy (n × d), y_test.npy (n, int64)
and copies X_train.npy / y_train.npy (for `--data npy:DIR`). Labels are 0/1 (binary) or 0…k−1;
most are the network's EXACT decision at the point (rational arithmetic, exact_radius_fractions),
some are deliberately wrong (radius 0) or, for the one-sign and tie families, chosen to make the
fooling set empty or open. Sizes stay small (d 2–12, m 2–10, n 4–12) so the rational reference is
fast. The same (family, seed) always gives the same bytes.

Families (FAMILIES): random-binary, random-multiclass; scale-W, scale-b, scale-X, scale-all,
scale-mixed (1e-8 … 1e8, separately and together, per row / per coordinate); near-boundary (points
moved in exact arithmetic onto a neuron's hyperplane, onto two at once, or onto the decision
boundary, then rounded to float64 and nudged by a few ulps); integer-degenerate (small integers and
halves: exact zeros, exact ties, points on several hyperplanes); one-sign-neg, one-sign-pos (all
head coefficients < 0 / > 0, binary and dense); cancel-zero (duplicated neurons with opposite head
coefficients: f ≡ 0 on faces or everywhere, parallel copies with shifted bias); parallel-dup
(parallel, antiparallel and duplicated rows); wide (m > d); multiclass-dense (dense k × m heads with
duplicated rows and exact logit ties); rounding-trap (rows like (1, 1e-8, 1) against x like
(1e8, c, −1e8), where ⟨w, x⟩ cancels catastrophically in float64).

    python3 soundness_networks.py --families all --seeds 0:5 --out DIR     # DIR/<family>-<seed>/
    python3 soundness_networks.py --list
"""
import argparse
import os
import sys
import zlib
from fractions import Fraction

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from exact_radius_fractions import Net, qf  # noqa: E402


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------

def sizes(rng, d=(2, 12), m=(2, 10), n=(4, 12)):
    return (int(rng.integers(d[0], d[1] + 1)), int(rng.integers(m[0], m[1] + 1)),
            int(rng.integers(n[0], n[1] + 1)))


def head(rng, m, k):
    return rng.standard_normal(m) if k == 2 else rng.standard_normal((k, m))


def decisions(W, b, a, X):
    net = Net(W, b, a)
    return np.array([net.decision([qf(t) for t in x]) for x in X], dtype=np.int64), net


def label(W, b, a, X, rng, wrong=0.15):
    """The exact decision, with a fraction `wrong` of labels replaced by another class."""
    y, net = decisions(W, b, a, X)
    k = net.k
    for i in range(len(y)):
        if rng.random() < wrong:
            y[i] = (y[i] + 1 + int(rng.integers(0, k - 1))) % k
    return y


def exact_vec(v):
    return [Fraction(float(t)) for t in v]


def to_float(v):
    return np.array([float(t) for t in v])


def onto_hyperplanes(W, b, x, rows):
    """x − W_Rᵀ(W_R W_Rᵀ)⁻¹ z_R in exact arithmetic (the nearest point on those hyperplanes),
    rounded to float64; None when the rows are dependent."""
    Wq = [exact_vec(W[r]) for r in rows]
    xq = exact_vec(x)
    z = [sum((a * c for a, c in zip(w, xq)), Fraction(0)) + Fraction(float(b[r])) for w, r in zip(Wq, rows)]
    G = [[sum((a * c for a, c in zip(u, v)), Fraction(0)) for v in Wq] for u in Wq]
    n = len(rows)
    M = [G[i] + [z[i]] for i in range(n)]
    for col in range(n):
        piv = next((r for r in range(col, n) if M[r][col] != 0), None)
        if piv is None:
            return None
        M[col], M[piv] = M[piv], M[col]
        M[col] = [t / M[col][col] for t in M[col]]
        for r in range(n):
            if r != col and M[r][col] != 0:
                f = M[r][col]
                M[r] = [p - f * q for p, q in zip(M[r], M[col])]
    mu = [M[i][n] for i in range(n)]
    out = list(xq)
    for mu_i, w in zip(mu, Wq):
        for j in range(len(out)):
            out[j] -= mu_i * w[j]
    return to_float(out)


def nudge(x, rng, max_ulps=3):
    """Move one coordinate by a few ulps (or leave x as is)."""
    x = x.copy()
    j = int(rng.integers(0, len(x)))
    steps = int(rng.integers(-max_ulps, max_ulps + 1))
    for _ in range(abs(steps)):
        x[j] = np.nextafter(x[j], np.inf if steps > 0 else -np.inf)
    return x


def onto_decision_boundary(net, x0, x1, iters=200):
    """Bisection in exact arithmetic on the segment x0 → x1 (different decisions), returning the
    last float64 point on each side of the switch (both rounded from the exact midpoints)."""
    a, b_ = exact_vec(x0), exact_vec(x1)
    d0 = net.decision([qf(t) for t in x0])
    lo, hi = Fraction(0), Fraction(1)
    for _ in range(iters):
        mid = (lo + hi) / 2
        p = to_float([u + mid * (v - u) for u, v in zip(a, b_)])
        if net.decision([qf(t) for t in p]) == d0:
            lo = mid
        else:
            hi = mid
        if hi - lo < Fraction(1, 2 ** 80):
            break
    p_lo = to_float([u + lo * (v - u) for u, v in zip(a, b_)])
    p_hi = to_float([u + hi * (v - u) for u, v in zip(a, b_)])
    return p_lo, p_hi


# ----------------------------------------------------------------------------------------------
# families
# ----------------------------------------------------------------------------------------------

def random_net(rng, k=None, d=None, m=None, n=None):
    dd, mm, nn = sizes(rng)
    d, m, n = d or dd, m or mm, n or nn
    k = k if k is not None else 2
    W = rng.standard_normal((m, d))
    b = 0.5 * rng.standard_normal(m)
    a = head(rng, m, k)
    X = rng.standard_normal((n, d))
    return W, b, a, X


def fam_random_binary(rng):
    W, b, a, X = random_net(rng, 2)
    return W, b, a, X, label(W, b, a, X, rng)


def fam_random_multiclass(rng):
    W, b, a, X = random_net(rng, int(rng.integers(3, 6)), m=int(rng.integers(2, 9)))
    return W, b, a, X, label(W, b, a, X, rng)


SCALES = [1e-8, 1e-4, 1e4, 1e8]


def _scaled(rng, which):
    k = 2 if rng.random() < 0.6 else int(rng.integers(3, 5))
    W, b, a, X = random_net(rng, k, m=int(rng.integers(2, 9)))
    if which == "mixed":
        W = W * (10.0 ** rng.integers(-8, 9, size=(W.shape[0], 1)))
        X = X * (10.0 ** rng.integers(-8, 9, size=(1, X.shape[1])))
        b = b * (10.0 ** rng.integers(-8, 9, size=b.shape))
    else:
        s = {t: float(rng.choice(SCALES)) for t in "WbX"}
        if "W" in which:
            W = W * s["W"]
        if "b" in which:
            b = b * s["b"]
        if "X" in which:
            X = X * s["X"]
    return W, b, a, X, label(W, b, a, X, rng, wrong=0.1)


def fam_near_boundary(rng):
    k = 2 if rng.random() < 0.6 else 3
    W, b, a, X = random_net(rng, k, m=int(rng.integers(2, 9)))
    n, d = X.shape
    m = W.shape[0]
    y0, net = decisions(W, b, a, X)
    pts = []
    for i in range(n):
        x = X[i]
        kind = i % 4
        if kind == 0:                               # onto one neuron's hyperplane
            p = onto_hyperplanes(W, b, x, [int(rng.integers(0, m))])
        elif kind == 1 and d >= 2 and m >= 2:       # onto two at once
            p = onto_hyperplanes(W, b, x, list(rng.choice(m, 2, replace=False)))
        elif kind in (1, 2):                        # onto the decision boundary
            other = next((X[j] for j in range(n) if y0[j] != y0[i]), None)
            if other is None:
                other = x + 10 * rng.standard_normal(d)
            lo, hi = onto_decision_boundary(net, x, other)
            p = lo if rng.random() < 0.5 else hi
        else:                                       # just off a hyperplane
            p = onto_hyperplanes(W, b, x, [int(rng.integers(0, m))])
            if p is not None:
                p = nudge(p, rng, 2)
        pts.append(x if p is None else (nudge(p, rng, 1) if rng.random() < 0.3 else p))
    X = np.array(pts)
    return W, b, a, X, label(W, b, a, X, rng, wrong=0.25)


def fam_integer_degenerate(rng):
    d, m, n = sizes(rng, d=(2, 6), m=(2, 8))
    k = 2 if rng.random() < 0.6 else int(rng.integers(3, 5))
    W = rng.integers(-2, 3, size=(m, d)).astype(float)
    W[np.all(W == 0, axis=1), 0] = 1.0
    b = rng.integers(-2, 3, size=m) / 2.0
    a = (rng.integers(-2, 3, size=m) if k == 2 else rng.integers(-2, 3, size=(k, m))).astype(float)
    X = rng.integers(-4, 5, size=(n, d)) / 2.0
    return W, b, a, X, label(W, b, a, X, rng, wrong=0.3)


def _one_sign(rng, sign):
    k = 2 if rng.random() < 0.6 else int(rng.integers(3, 5))
    W, b, a, X = random_net(rng, k, m=int(rng.integers(2, 9)))
    a = sign * np.abs(a)
    if sign > 0 and rng.random() < 0.5:
        b = -np.abs(b) - 1.0                        # a large all-inactive region (f = 0 there)
    if rng.random() < 0.3 and W.shape[0] >= 2:      # w and −w with b > 0: one is always active
        W[1] = -W[0]
        b[0] = b[1] = abs(b[0]) + 0.1
    y, _ = decisions(W, b, a, X)
    rand = rng.integers(0, k, size=X.shape[0]).astype(np.int64)
    y = np.where(rng.random(X.shape[0]) < 0.5, rand, y)   # half the labels random: ρ = 0 or ∞ cases
    return W, b, a, X, y


def fam_cancel_zero(rng):
    d, _, n = sizes(rng, d=(2, 8))
    variant = int(rng.integers(0, 4))
    pairs = int(rng.integers(1, 4))
    rows, bias, coef = [], [], []
    for _ in range(pairs):
        w = rng.standard_normal(d)
        bb = float(0.5 * rng.standard_normal())
        c = float(rng.standard_normal())
        shift = 0.0 if variant != 2 else float(abs(rng.standard_normal()))
        rows += [w, w]
        bias += [bb, bb - shift]
        coef += [c, -c]
    if variant in (1, 2, 3):                        # plus independent neurons
        for _ in range(int(rng.integers(1, 3))):
            rows.append(rng.standard_normal(d))
            bias.append(float(0.5 * rng.standard_normal()))
            coef.append(float(rng.standard_normal()))
    W, b, a = np.array(rows), np.array(bias), np.array(coef)
    if variant == 3:                                # dense: classes 0 and 1 share the cancelling part
        k = 3
        A = rng.standard_normal((k, len(coef)))
        A[1] = A[0]
        A[1, :2 * pairs] = A[0, :2 * pairs] + np.array(coef[:2 * pairs])
        a = A
    X = rng.standard_normal((n, d))
    kk = 2 if a.ndim == 1 else a.shape[0]
    y, _ = decisions(W, b, a, X)
    rand = rng.integers(0, kk, size=n).astype(np.int64)
    y = np.where(rng.random(n) < 0.4, rand, y)
    return W, b, a, X, y


def fam_parallel_dup(rng):
    d, m, n = sizes(rng, d=(2, 6), m=(3, 10))
    bases = rng.standard_normal((int(rng.integers(1, min(d, 3) + 1)), d))
    factors = [1.0, 2.0, -1.0, -0.5, 1.0, 3.0]
    W = np.array([bases[int(rng.integers(0, len(bases)))] * factors[int(rng.integers(0, len(factors)))]
                  for _ in range(m)])
    b = 0.5 * rng.standard_normal(m)
    for r in range(1, m):
        if rng.random() < 0.3:
            W[r], b[r] = W[r - 1], b[r - 1]          # exact duplicate
    k = 2 if rng.random() < 0.6 else 3
    a = head(rng, m, k)
    X = rng.standard_normal((n, d))
    return W, b, a, X, label(W, b, a, X, rng)


def fam_wide(rng):
    d = int(rng.integers(2, 5))
    m = int(rng.integers(max(6, d + 1), 11))
    k = 2 if rng.random() < 0.7 else 3
    W, b, a, X = random_net(rng, k, d=d, m=m)
    return W, b, a, X, label(W, b, a, X, rng)


def fam_multiclass_dense(rng):
    d, m, n = sizes(rng, d=(2, 6), m=(2, 7))
    k = int(rng.integers(3, 6))
    integer = rng.random() < 0.5
    if integer:
        W = rng.integers(-2, 3, size=(m, d)).astype(float)
        W[np.all(W == 0, axis=1), 0] = 1.0
        b = rng.integers(-2, 3, size=m) / 2.0
        A = rng.integers(-2, 3, size=(k, m)).astype(float)
        X = rng.integers(-4, 5, size=(n, d)) / 2.0
    else:
        W = rng.standard_normal((m, d))
        b = 0.5 * rng.standard_normal(m)
        A = rng.standard_normal((k, m))
        X = rng.standard_normal((n, d))
    c1, c2 = rng.choice(k, 2, replace=False)
    A[c2] = A[c1]                                   # duplicated head rows: an exact tie everywhere
    y, net = decisions(W, b, A, X)
    for i in range(n):
        F = net.logits([qf(t) for t in X[i]])
        ties = [c for c in range(k) if F[c] == F[y[i]] and c != y[i]]
        if ties and rng.random() < 0.5:
            y[i] = ties[0]                          # a tied class that loses the tie (ρ = 0)
        elif rng.random() < 0.1:
            y[i] = int(rng.integers(0, k))
    return W, b, A, X, y


def fam_rounding_trap(rng):
    d = int(rng.integers(3, 7))
    m = int(rng.integers(2, 6))
    n = int(rng.integers(4, 9))
    W = rng.standard_normal((m, d))
    b = 0.5 * rng.standard_normal(m)
    traps = []
    for r in range(min(m, 2)):
        i, j, t = (int(v) for v in rng.choice(d, 3, replace=False))
        W[r] = 0.0
        W[r, i], W[r, j], W[r, t] = 1.0, 1.0, 1e-8   # (1, 1, 1e-8) in some order
        b[r] = 0.0 if rng.random() < 0.5 else float(rng.choice([1e-8, -1e-8, 1e-16, -3e-8]))
        traps.append((i, j, t))
    k = 2 if rng.random() < 0.7 else 3
    a = head(rng, m, k)
    X = rng.standard_normal((n, d))
    for p in range(n):
        if traps and p % 3 != 2:
            i, j, t = traps[p % len(traps)]
            s = float(rng.choice([1e8, 3e8, 1.2345678e8]))
            X[p, i], X[p, j] = s, -s                  # ⟨w, x⟩ = 1e-8·x_t exactly, 0 in many float orders
            X[p, t] = float(rng.choice([1.0, -1.0, 2.0, 0.5])) * (1 if rng.random() < 0.5 else 3)
            if rng.random() < 0.4:
                X[p, i] = np.nextafter(X[p, i], np.inf)
    return W, b, a, X, label(W, b, a, X, rng, wrong=0.1)


FAMILIES = {
    "random-binary": fam_random_binary,
    "random-multiclass": fam_random_multiclass,
    "scale-W": lambda rng: _scaled(rng, "W"),
    "scale-b": lambda rng: _scaled(rng, "b"),
    "scale-X": lambda rng: _scaled(rng, "X"),
    "scale-all": lambda rng: _scaled(rng, "WbX"),
    "scale-mixed": lambda rng: _scaled(rng, "mixed"),
    "near-boundary": fam_near_boundary,
    "integer-degenerate": fam_integer_degenerate,
    "one-sign-neg": lambda rng: _one_sign(rng, -1.0),
    "one-sign-pos": lambda rng: _one_sign(rng, 1.0),
    "cancel-zero": fam_cancel_zero,
    "parallel-dup": fam_parallel_dup,
    "wide": fam_wide,
    "multiclass-dense": fam_multiclass_dense,
    "rounding-trap": fam_rounding_trap,
}


def generate(family, seed):
    """(W, b, a, X, y) of one network; deterministic in (family, seed)."""
    rng = np.random.default_rng([zlib.crc32(family.encode()), int(seed)])
    W, b, a, X, y = FAMILIES[family](rng)
    return (np.ascontiguousarray(W, dtype=np.float64), np.ascontiguousarray(b, dtype=np.float64),
            np.ascontiguousarray(a, dtype=np.float64), np.ascontiguousarray(X, dtype=np.float64),
            np.ascontiguousarray(y, dtype=np.int64))


def write(netdir, W, b, a, X, y):
    os.makedirs(netdir, exist_ok=True)
    for name, arr in (("W", W), ("b", b), ("a", a), ("X_test", X), ("y_test", y),
                      ("X_train", X), ("y_train", y)):
        np.save(os.path.join(netdir, f"{name}.npy"), arr)


def parse_families(spec):
    if spec == "all":
        return list(FAMILIES)
    names = [s.strip() for s in spec.split(",") if s.strip()]
    unknown = [s for s in names if s not in FAMILIES]
    if unknown:
        raise SystemExit(f"unknown families {unknown}; known: {', '.join(FAMILIES)}")
    return names


def parse_seeds(spec):
    if ":" in spec:
        lo, hi = spec.split(":")
        return list(range(int(lo), int(hi)))
    return [int(s) for s in spec.split(",")]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--families", default="all")
    ap.add_argument("--seeds", default="0:3", help="LO:HI (half-open) or a comma list")
    ap.add_argument("--out")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args(argv)
    if args.list:
        print("\n".join(FAMILIES))
        return 0
    if not args.out:
        ap.error("--out DIR")
    for fam in parse_families(args.families):
        for seed in parse_seeds(args.seeds):
            W, b, a, X, y = generate(fam, seed)
            path = os.path.join(args.out, f"{fam}-{seed}")
            write(path, W, b, a, X, y)
            print(f"{path}: d={W.shape[1]} m={W.shape[0]} k={2 if a.ndim == 1 else a.shape[0]} n={len(X)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
