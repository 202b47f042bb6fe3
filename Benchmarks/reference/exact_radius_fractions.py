#!/usr/bin/env python3
"""Exact robustness radii of a two-layer ReLU network in rationals (an independent reference).

The network: W (m × d), b (m,), head a of shape (m,) (binary: f = Σ a_r ReLU(⟨w_r, x⟩ + b_r), decision
+1 iff f > 0) or (k, m) (dense head: F_c = Σ_r a[c, r] ReLU(…), decision the lowest argmax). Every
float64 is converted to a rational exactly; all decisions are exact. A binary net is treated as the
two-class net F_0 ≡ 0, F_1 = f, so the file's 0/1 label is the class index and both cases obey one
rule: the decision is not y iff some c has F_c ≥ F_y (c < y, a CLOSED condition) or F_c > F_y (c > y,
an OPEN condition).

For each point (x, y) this computes the exact radius ρ = inf{‖δ‖ : decision(x + δ) ≠ y} — as ρ² for
ℓ2 and ρ for ℓ∞, a rational or ∞ — and whether the infimum is attained:

* The fooling set is the union over activation patterns S and targets c ≠ y of the pieces
  P_S ∩ {G_{S,c} ≥ 0} (closed, c < y) and P_S ∩ {G_{S,c} > 0} (open, c > y), where P_S is the closed
  region of S (neuron r active, ⟨w_r, x⟩ + b_r ≥ 0, for r ∈ S; ≤ 0 otherwise) and G_{S,c} the affine
  form of F_c − F_y on P_S. An open piece's closure is P_S ∩ {G ≥ 0} when some point of P_S has
  G > 0 and is EMPTY otherwise (then it contributes nothing, not even its boundary). Whether it
  contributes is decided by an exact linear program over P_S (max G), with a certificate either
  way (a point of P_S with G > 0, an unbounded ray, or λ ≥ 0 with Nᵀλ = −∇G and G₀ − hᵀλ ≤ 0).
  It does not depend on the point, so it is cached per network.
* ρ = the least distance from x to a contributing piece's closed form. The infimum is attained iff a
  closed piece attains that least distance (or x is already misclassified: ρ = 0, attained).
* Region enumeration: every pattern is visited in "levels" — the pattern of x with the neuron of
  the j-th smallest flip distance flipped (plus any of the nearer ones). A level is skipped only when
  its exact lower bound (that neuron's hyperplane distance: z²/‖w‖² in ℓ2, |z|/‖w‖₁ in ℓ∞) is at
  least the best distance verified so far; within a level a piece is skipped only on an exact
  lower bound: for any λ ≥ 0 every point of the piece lies in the half-space {⟨Nᵀλ, δ⟩ ≥ λᵀh},
  whose distance is (λᵀh)²/‖Nᵀλ‖₂² (ℓ2) or λᵀh/‖Nᵀλ‖₁ (ℓ∞); λ comes from a float solve and is then
  used as an exact rational, so the bound is exact whatever the float error.
* ℓ2 piece: min ‖δ‖² s.t. N δ ≥ h, solved in R^d directly (the d ≤ 12 of the fuzz nets; the
  minimiser is Nᵀλ, in span{w_r}, so dependent neurons only make the active system singular, and
  the active set is always reduced to an exactly independent subset of rows). Candidate active
  sets come from a float NNLS (Lawson & Hanson's LDP reduction, rows normalised); the KKT
  conditions — λ_A = (N_A N_Aᵀ)⁻¹ h_A ≥ 0, δ = N_Aᵀλ_A, N δ ≥ h — are checked exactly (they are
  sufficient for this convex program, and some independent active set satisfies them when the
  piece is nonempty). If the float guidance fails: every subset of the tight rows, then every
  independent subset of all rows (exhaustive). An empty piece is proven empty by a Farkas
  certificate (y ≥ 0, Nᵀy = 0, hᵀy > 0) from an exact simplex.
* ℓ∞ piece: min t s.t. N δ ≥ h, −t ≤ δ_i ≤ t. HiGHS (scipy.optimize.linprog) proposes a basis; it
  is re-solved exactly and accepted only with primal feasibility, a dual certificate (y ≥ 0,
  Aᵀy = c) and equal objectives; otherwise an exact simplex (dense tableau, Bland's rule, in
  rationals) solves it, and its answer is checked by the same certificate checker.

Everything reported is certificate-checked in rationals ("verified": true). A piece that no method
could certify raises an error (reported as "verified": false with the reason), never a guess.
Uses gmpy2.mpq when installed (≈15× faster), else fractions.Fraction (EXACT_RADIUS_NO_GMPY=1 forces it).

    python3 exact_radius_fractions.py NETDIR [--linf] [--points I,J,…] [--json OUT]
    python3 exact_radius_fractions.py --self-test

NETDIR holds W.npy, b.npy, a.npy, X_test.npy, y_test.npy (labels 0/1 binary, 0…k−1 dense).
"""
import argparse
import itertools
import json
import math
import os
import sys
import time
from fractions import Fraction

import numpy as np

try:
    if os.environ.get("EXACT_RADIUS_NO_GMPY"):      # force fractions.Fraction (to time the fallback)
        raise ImportError
    import gmpy2
    Q = gmpy2.mpq
    RATIONAL = "gmpy2.mpq"
except ImportError:  # pragma: no cover
    Q = Fraction
    RATIONAL = "fractions.Fraction"

INF = math.inf
ZERO = Q(0)
ONE = Q(1)


class NotCertified(Exception):
    """No exact certificate could be produced (reported, never turned into a number)."""


# ----------------------------------------------------------------------------------------------
# Exact scalars and vectors
# ----------------------------------------------------------------------------------------------

def qf(v):
    """The exact rational value of a float64."""
    v = float(v)
    if not math.isfinite(v):
        raise ValueError(f"non-finite value {v}")
    return Q(v)


def qparse(s):
    """A rational from 'p/q', 'p', a decimal string, or 'inf' (→ math.inf)."""
    if isinstance(s, (int, float)) and not isinstance(s, bool):
        if isinstance(s, float) and math.isinf(s) and s > 0:
            return INF
        return qf(s)
    s = str(s).strip()
    if s in ("inf", "+inf", "Infinity", "∞"):
        return INF
    return Q(Fraction(s))


def qstr(v):
    return "inf" if v == INF else str(Q(v))


def dot(u, v):
    s = ZERO
    for a, b in zip(u, v):
        if a and b:
            s += a * b
    return s


def comb(coefs, vecs, d):
    out = [ZERO] * d
    for c, v in zip(coefs, vecs):
        if c:
            for j in range(d):
                if v[j]:
                    out[j] += c * v[j]
    return out


def norm1(v):
    return sum((abs(t) for t in v), ZERO)


def solve_square(M, rhs):
    """Exact Gauss–Jordan; None if M is singular."""
    n = len(M)
    A = [list(M[i]) + [rhs[i]] for i in range(n)]
    for col in range(n):
        piv = next((r for r in range(col, n) if A[r][col] != 0), None)
        if piv is None:
            return None
        A[col], A[piv] = A[piv], A[col]
        p = A[col][col]
        row = [t / p for t in A[col]]
        A[col] = row
        for r in range(n):
            if r != col and A[r][col] != 0:
                f = A[r][col]
                A[r] = [a - f * b for a, b in zip(A[r], row)]
    return [A[i][n] for i in range(n)]


class Echelon:
    """Incremental exact independence test for row vectors."""

    def __init__(self):
        self.rows = []  # (pivot column, normalised reduced row)

    def reduce(self, v):
        v = list(v)
        for col, r in self.rows:
            if v[col] != 0:
                f = v[col]
                v = [a - f * b for a, b in zip(v, r)]
        return v

    def add(self, v):
        v = self.reduce(v)
        col = next((j for j, t in enumerate(v) if t != 0), None)
        if col is None:
            return False
        p = v[col]
        self.rows.append((col, [t / p for t in v]))
        return True


def independent(rows, order):
    ech, out = Echelon(), []
    for i in order:
        if ech.add(rows[i]):
            out.append(i)
    return out


# ----------------------------------------------------------------------------------------------
# Certificate checkers (the only things the reported numbers rest on)
# ----------------------------------------------------------------------------------------------

def check_lp_optimal(A, b, c, x, y):
    """min cᵀx s.t. Ax ≥ b: x feasible, y ≥ 0, Aᵀy = c, cᵀx = bᵀy ⇒ x optimal, value cᵀx."""
    n = len(c)
    if any(dot(A[i], x) < b[i] for i in range(len(A))):
        return False
    if any(t < 0 for t in y):
        return False
    for j in range(n):
        if sum((y[i] * A[i][j] for i in range(len(A)) if y[i] and A[i][j]), ZERO) != c[j]:
            return False
    return dot(c, x) == dot(b, y)


def check_infeasible(A, b, y):
    """Farkas: y ≥ 0, Aᵀy = 0, bᵀy > 0 ⇒ {Ax ≥ b} is empty."""
    if any(t < 0 for t in y):
        return False
    n = len(A[0]) if A else 0
    for j in range(n):
        if sum((y[i] * A[i][j] for i in range(len(A)) if y[i] and A[i][j]), ZERO) != 0:
            return False
    return dot(b, y) > 0


def check_unbounded(A, b, c, x, r):
    """x feasible, Ar ≥ 0, cᵀr < 0 ⇒ min cᵀx over {Ax ≥ b} is −∞."""
    return (all(dot(A[i], x) >= b[i] for i in range(len(A)))
            and all(dot(A[i], r) >= 0 for i in range(len(A))) and dot(c, r) < 0)


def check_kkt(N, h, act, lam):
    """min ‖δ‖² s.t. Nδ ≥ h: λ ≥ 0 on act, δ = N_actᵀλ, Nδ ≥ h, complementary on act ⇒ δ optimal."""
    if any(t < 0 for t in lam):
        return None
    d = len(N[0])
    delta = comb(lam, [N[i] for i in act], d)
    if any(dot(N[j], delta) < h[j] for j in range(len(N))):
        return None
    if any(l and dot(N[i], delta) != h[i] for i, l in zip(act, lam)):
        return None
    return delta


# ----------------------------------------------------------------------------------------------
# Exact simplex (fallback solver; its answers go through the checkers above)
# ----------------------------------------------------------------------------------------------

def simplex(A, b, c):
    """min cᵀx s.t. A x ≥ b, x free, in exact rationals (tableau, two phases, Bland's rule).
    Returns ('optimal', x, y) | ('infeasible', y) | ('unbounded', x, ray), each certificate checked."""
    p, n = len(A), len(c)
    if p == 0:
        if all(t == 0 for t in c):
            return ("optimal", [ZERO] * n, [])
        r = [-t for t in c]
        return ("unbounded", [ZERO] * n, r)
    ns, na = 2 * n, 2 * n + p          # first slack column, first artificial column
    ncol = 2 * n + 2 * p
    T, rhs = [], []
    for i in range(p):
        s = 1 if b[i] >= 0 else -1
        row = [ZERO] * ncol
        for j in range(n):
            if A[i][j]:
                row[j] = s * A[i][j]
                row[n + j] = -s * A[i][j]
        row[ns + i] = Q(-s)
        row[na + i] = ONE
        T.append(row)
        rhs.append(s * b[i])
    basis = [na + i for i in range(p)]

    def pivot(i, j, rc, obj):
        piv = T[i][j]
        T[i] = [t / piv for t in T[i]]
        rhs[i] = rhs[i] / piv
        for r in range(p):
            if r != i and T[r][j] != 0:
                f = T[r][j]
                T[r] = [a - f * b_ for a, b_ in zip(T[r], T[i])]
                rhs[r] -= f * rhs[i]
        f = rc[j]
        if f != 0:
            for k in range(ncol):
                if T[i][k]:
                    rc[k] -= f * T[i][k]
            obj += f * rhs[i]
        basis[i] = j
        return obj

    def run(cost, allowed):
        rc = list(cost)
        obj = ZERO
        for i in range(p):
            cb = cost[basis[i]]
            if cb:
                for k in range(ncol):
                    if T[i][k]:
                        rc[k] -= cb * T[i][k]
                obj += cb * rhs[i]
        while True:
            enter = next((j for j in allowed if rc[j] < 0), None)
            if enter is None:
                return "optimal", rc, obj, None
            best, leave = None, None
            for i in range(p):
                if T[i][enter] > 0:
                    ratio = rhs[i] / T[i][enter]
                    if best is None or ratio < best or (ratio == best and basis[i] < basis[leave]):
                        best, leave = ratio, i
            if leave is None:
                return "unbounded", rc, obj, enter
            obj = pivot(leave, enter, rc, obj)

    cost1 = [ZERO] * na + [ONE] * p
    _, rc1, obj1, _ = run(cost1, list(range(ncol)))
    if obj1 > 0:
        y = [rc1[ns + i] for i in range(p)]
        if not check_infeasible(A, b, y):
            raise NotCertified("simplex: phase-1 Farkas certificate failed its check")
        return ("infeasible", y)
    for i in range(p):
        if basis[i] >= na:
            j = next((k for k in range(na) if T[i][k] != 0), None)
            if j is not None:
                pivot(i, j, [ZERO] * ncol, ZERO)
    cost2 = [Q(t) for t in c] + [Q(-t) for t in c] + [ZERO] * (2 * p)
    status, rc2, _, enter = run(cost2, list(range(na)))

    def primal():
        v = [ZERO] * ncol
        for i in range(p):
            v[basis[i]] = rhs[i]
        return [v[j] - v[n + j] for j in range(n)]

    x = primal()
    if status == "unbounded":
        ray = [ZERO] * ncol
        ray[enter] = ONE
        for i in range(p):
            ray[basis[i]] -= T[i][enter]
        r = [ray[j] - ray[n + j] for j in range(n)]
        if not check_unbounded(A, b, c, x, r):
            raise NotCertified("simplex: unbounded ray failed its check")
        return ("unbounded", x, r)
    y = [rc2[ns + i] for i in range(p)]
    if not check_lp_optimal(A, b, c, x, y):
        raise NotCertified("simplex: optimality certificate failed its check")
    return ("optimal", x, y)


# ----------------------------------------------------------------------------------------------
# Float guidance (never trusted: every result is re-derived exactly)
# ----------------------------------------------------------------------------------------------

def _normalise(Nf, hf):
    norms = np.linalg.norm(Nf, axis=1)
    norms[norms == 0] = 1.0
    Nn, hn = Nf / norms[:, None], hf / norms
    H = float(np.max(np.abs(hn))) if len(hn) else 0.0
    if not np.isfinite(H) or H == 0:
        H = 1.0
    return Nn, hn / H, norms, H


def float_ldp(Nf, hf):
    """LDP min ‖δ‖ s.t. Nδ ≥ h by Lawson–Hanson's NNLS reduction (float). Returns
    (feasible?, δ̂, u) with u ≥ 0 a multiplier vector for the ORIGINAL rows (any u ≥ 0 gives an
    exact lower bound, so its accuracy only matters for pruning power)."""
    from scipy.optimize import nnls
    Nn, hn, norms, H = _normalise(Nf, hf)
    d = Nf.shape[1]
    E = np.vstack([Nn.T, hn[None, :]])
    f = np.zeros(d + 1)
    f[d] = 1.0
    try:
        u, _ = nnls(E, f, maxiter=50 * (E.shape[1] + 5))
    except Exception:
        return None, None, None
    r = E @ u - f
    lam = u / norms
    if np.linalg.norm(r) < 1e-10 or r[d] >= -1e-14:
        return False, None, lam
    delta = -r[:d] / r[d] * H
    return True, delta, lam


def float_lp(A, b, c):
    """linprog (HiGHS) for min cᵀx s.t. Ax ≥ b, x free, on normalised rows. Returns (status, x̂, y)."""
    from scipy.optimize import linprog
    Af = np.array([[float(t) for t in row] for row in A])
    bf = np.array([float(t) for t in b])
    cf = np.array([float(t) for t in c])
    An, bn, norms, H = _normalise(Af, bf)
    cs = float(np.max(np.abs(cf))) or 1.0
    try:
        res = linprog(cf / cs, A_ub=-An, b_ub=-bn, bounds=[(None, None)] * len(c), method="highs")
    except Exception:
        return None, None, None
    if res.status != 0:
        return res.status, None, None
    y = -np.asarray(res.ineqlin.marginals) / norms
    return 0, np.asarray(res.x) * H, y


def lp_from_basis(A, b, c, xhat, yhat):
    """Exact re-solve of the float solution's basis; returns (x, y) if certified optimal, else None."""
    p, n = len(A), len(c)
    if xhat is None:
        return None
    Af = np.array([[float(t) for t in row] for row in A])
    bf = np.array([float(t) for t in b])
    scale = np.linalg.norm(Af, axis=1)
    scale[scale == 0] = 1
    slack = (Af @ xhat - bf) / scale
    tol = 1e-7 * (1 + np.max(np.abs(bf / scale)))
    ymax = float(np.max(np.abs(yhat))) if yhat is not None and len(yhat) else 0.0
    dual_rows = [i for i in np.argsort(-yhat) if ymax > 0 and yhat[i] > 1e-9 * ymax] if yhat is not None else []
    tight = [i for i in np.argsort(slack) if abs(slack[i]) <= tol and i not in dual_rows]
    B = independent(A, [int(i) for i in dual_rows + tight])[:n]
    if len(B) == n:
        x = solve_square([A[i] for i in B], [b[i] for i in B])
    else:
        AB = [A[i] for i in B]
        xq = [qf(t) for t in xhat]
        res = [b[i] - dot(A[i], xq) for i in B]
        mu = solve_square([[dot(u, v) for v in AB] for u in AB], res) if B else []
        if mu is None:
            return None
        corr = comb(mu, AB, n)
        x = [a + t for a, t in zip(xq, corr)]
    if x is None:
        return None
    AB = [A[i] for i in B]
    G = [[dot(u, v) for v in AB] for u in AB]
    yB = solve_square(G, [dot(u, c) for u in AB]) if B else []
    if yB is None:
        return None
    y = [ZERO] * p
    for i, t in zip(B, yB):
        y[i] = t
    return (x, y) if check_lp_optimal(A, b, c, x, y) else None


def exact_lp(A, b, c, stats=None):
    """Certified min cᵀx s.t. Ax ≥ b: float-guided basis, else the exact simplex."""
    status, xhat, yhat = float_lp(A, b, c)
    if status == 0:
        got = lp_from_basis(A, b, c, xhat, yhat)
        if got is not None:
            return ("optimal",) + got
    if stats is not None:
        stats["simplex"] = stats.get("simplex", 0) + 1
    return simplex(A, b, c)


# ----------------------------------------------------------------------------------------------
# ℓ2 piece: min ‖δ‖² s.t. Nδ ≥ h, certified by KKT (or Farkas when empty)
# ----------------------------------------------------------------------------------------------

def ldp_exact(N, h, delta_hat, lam_hat, stats):
    d = len(N[0])
    rows = list(range(len(N)))

    def attempt(cands):
        act = independent(N, cands)
        NA = [N[i] for i in act]
        G = [[dot(u, v) for v in NA] for u in NA]
        lam = solve_square(G, [h[i] for i in act]) if act else []
        if lam is None:
            return None
        delta = check_kkt(N, h, act, lam)
        return None if delta is None else (delta, act, lam)

    if all(t <= 0 for t in h):
        got = attempt([])
        if got:
            return got
    if lam_hat is not None:
        lmax = float(np.max(lam_hat)) if len(lam_hat) else 0.0
        supp = [int(i) for i in np.argsort(-lam_hat) if lmax > 0 and lam_hat[i] > 1e-9 * lmax]
        got = attempt(supp)
        if got:
            return got
    stats["ldp_fallback"] = stats.get("ldp_fallback", 0) + 1
    tried = set()
    if delta_hat is not None:
        Nf = np.array([[float(t) for t in r] for r in N])
        hf = np.array([float(t) for t in h])
        sc = np.linalg.norm(Nf, axis=1)
        sc[sc == 0] = 1
        sl = np.abs(Nf @ delta_hat - hf) / sc
        tol = 1e-6 * (1 + np.linalg.norm(delta_hat))
        tight = [i for i in rows if sl[i] <= tol]
        for k in range(min(len(tight), d), 0, -1):
            for sub in itertools.combinations(tight, k):
                tried.add(sub)
                got = attempt(list(sub))
                if got and len(got[1]) == len(sub):
                    return got
    stats["ldp_exhaustive"] = stats.get("ldp_exhaustive", 0) + 1
    for k in range(0, min(len(rows), d) + 1):
        for sub in itertools.combinations(rows, k):
            if sub in tried:
                continue
            if len(independent(N, list(sub))) < k:
                continue
            got = attempt(list(sub))
            if got:
                return got
    return None


# ----------------------------------------------------------------------------------------------
# The network
# ----------------------------------------------------------------------------------------------

class Net:
    def __init__(self, W, b, a):
        W = np.asarray(W, dtype=np.float64)
        b = np.asarray(b, dtype=np.float64).reshape(-1)
        a = np.asarray(a, dtype=np.float64)
        if W.ndim != 2 or b.shape[0] != W.shape[0]:
            raise ValueError(f"shapes W {W.shape}, b {b.shape}")
        self.m, self.d = W.shape
        self.binary = a.ndim == 1
        if self.binary:
            if a.shape[0] != self.m:
                raise ValueError(f"a has shape {a.shape}, expected ({self.m},)")
            Af = np.vstack([np.zeros(self.m), a])
        else:
            if a.ndim != 2 or a.shape[1] != self.m:
                raise ValueError(f"a has shape {a.shape}, expected (k, {self.m})")
            Af = a
        self.k = Af.shape[0]
        self.Wf, self.bf, self.Af = W, b, Af
        self.W = [[qf(t) for t in row] for row in W]
        self.negW = [[-t for t in row] for row in self.W]
        self.b = [qf(t) for t in b]
        self.A = [[qf(t) for t in row] for row in Af]
        self.sq = [dot(w, w) for w in self.W]
        self.l1 = [norm1(w) for w in self.W]
        self.cache = {}
        self.stats = {}

    # -- exact evaluation -----------------------------------------------------------------------
    def preacts(self, xq):
        return [dot(w, xq) + bb for w, bb in zip(self.W, self.b)]

    def logits(self, xq):
        z = self.preacts(xq)
        return [sum((c[r] * z[r] for r in range(self.m) if z[r] > 0 and c[r]), ZERO) for c in self.A]

    def decision(self, xq):
        F = self.logits(xq)
        best = 0
        for c in range(1, self.k):
            if F[c] > F[best]:
                best = c
        return best

    # -- pieces ---------------------------------------------------------------------------------
    def margin(self, S, c, y):
        e = [(self.A[c][r] - self.A[y][r]) if S[r] else ZERO for r in range(self.m)]
        g = comb(e, self.W, self.d)
        g0 = sum((e[r] * self.b[r] for r in range(self.m) if e[r]), ZERO)
        return e, g, g0

    def region_rows(self, S):
        return [self.W[r] if S[r] else self.negW[r] for r in range(self.m)]

    def contributes(self, S, c, y):
        """Does P_S hold a point with G_{S,c} > 0? Exact, cached; returns (bool, x-space point or None)."""
        key = ("contrib", S, c, y)
        if key in self.cache:
            return self.cache[key]
        e, g, g0 = self.margin(S, c, y)
        N = self.region_rows(S)
        hx = [-self.b[r] if S[r] else self.b[r] for r in range(self.m)]
        if all(t <= 0 for t in e):
            out = (False, None)            # G = Σ e_r z_r with z_r ≥ 0 on P_S, e_r ≤ 0: G ≤ 0
        else:
            self.stats["contribution_lps"] = self.stats.get("contribution_lps", 0) + 1
            res = simplex(N, hx, [-t for t in g])
            if res[0] == "infeasible":
                out = (False, None)
            elif res[0] == "unbounded":
                x0, r = res[1], res[2]
                gr = dot(g, r)                       # > 0 (checked: cᵀr < 0)
                t = max(ZERO, -(g0 + dot(g, x0)) / gr) + ONE
                pt = [a + t * b_ for a, b_ in zip(x0, r)]
                out = (True, pt)
            else:
                x = res[1]
                out = (True, x) if g0 + dot(g, x) > 0 else (False, None)
            if out[0]:
                pt = out[1]
                assert all(dot(N[r], pt) >= hx[r] for r in range(self.m)) and g0 + dot(g, pt) > 0
        self.cache[key] = out
        return out

    def piece_empty(self, S, c, y, N, hx_rows):
        """Exact emptiness of a closed piece (x-space rows), cached: True (Farkas) or False."""
        key = ("empty", S, c, y)
        if key not in self.cache:
            self.stats["feasibility_lps"] = self.stats.get("feasibility_lps", 0) + 1
            res = simplex(N, hx_rows, [ZERO] * self.d)
            self.cache[key] = res[0] == "infeasible"
        return self.cache[key]

    # -- the radius -----------------------------------------------------------------------------
    def radius(self, x, label, norm="l2", open_rule=True, prune=True):
        """Exact radius of (x, label). norm 'l2' → value is ρ²; 'linf' → ρ. Returns a dict.
        prune=False solves every piece exactly (no bounds used; for cross-checking the pruning)."""
        t0 = time.time()
        m, d = self.m, self.d
        xq = [qf(t) for t in x]
        y = int(label)
        if not 0 <= y < self.k:
            raise ValueError(f"label {label} outside 0…{self.k - 1}")
        z = self.preacts(xq)
        zf = np.array([float(t) for t in z])
        out = {"norm": norm, "verified": True, "pieces": 0, "exactSolves": 0}
        if self.decision(xq) != y:
            out.update(value=ZERO, attained=True, delta=[ZERO] * d, interior=None, pattern=None,
                       target=None, misclassified=True, seconds=time.time() - t0)
            return out
        l2 = norm == "l2"

        def flip_cost(r):
            if z[r] == 0:
                return ZERO
            nr = self.sq[r] if l2 else self.l1[r]
            if nr == 0:
                return INF
            return z[r] * z[r] / nr if l2 else abs(z[r]) / nr

        q = [flip_cost(r) for r in range(m)]
        own = tuple(z[r] >= 0 for r in range(m))
        order = sorted(range(m), key=lambda r: q[r])
        best = {"closed": [INF, None], "open": [INF, None]}

        def prunable(bound, is_open):
            if not prune:
                return False
            Bc, Bo = best["closed"][0], best["open"][0]
            if is_open:
                return bound >= min(Bc, Bo)
            return bound >= Bc or bound > Bo

        targets = [c for c in range(self.k) if c != y]
        for level in range(m + 1):
            LB = ZERO if level == 0 else q[order[level - 1]]
            if prunable(LB, True) and prunable(LB, False):
                break
            if level == 0:
                pats = [own]
            else:
                lead, rest = order[level - 1], order[:level - 1]
                pats = []
                for bits in itertools.product([False, True], repeat=len(rest)):
                    S = list(own)
                    S[lead] = not S[lead]
                    for r, fl in zip(rest, bits):
                        if fl:
                            S[r] = not S[r]
                    pats.append(tuple(S))
            for S in pats:
                for c in targets:
                    is_open = open_rule and c > y
                    if prunable(LB, is_open):
                        continue
                    res = self._piece(S, c, y, xq, z, zf, l2, is_open, prunable, out)
                    if res is None:
                        continue
                    value, delta = res
                    kind = "open" if is_open else "closed"
                    if value < best[kind][0]:
                        best[kind] = [value, (S, c, delta)]
        Bc, Bo = best["closed"][0], best["open"][0]
        rho = min(Bc, Bo)
        out.update(value=rho, misclassified=False, seconds=time.time() - t0)
        if rho == INF:
            out.update(attained=False, delta=None, interior=None, pattern=None, target=None)
            return out
        attained = Bc <= Bo
        S, c, delta = best["closed" if attained else "open"][1]
        interior = None
        if not attained:
            ok, px = self.contributes(S, c, y)
            interior = [a - b_ for a, b_ in zip(px, xq)]
        out.update(attained=attained, delta=delta, interior=interior,
                   pattern="".join("1" if s else "0" for s in S), target=c)
        return out

    def _piece(self, S, c, y, xq, z, zf, l2, is_open, prunable, out):
        """Exact distance of one piece, or None when it is empty / not contributing / pruned."""
        m, d = self.m, self.d
        out["pieces"] += 1
        if is_open and not self.contributes(S, c, y)[0]:
            return None
        e, g, g0 = self.margin(S, c, y)
        gz = sum((e[r] * z[r] for r in range(m) if e[r]), ZERO)       # G at x
        # rows in δ-space: s_r w_r·δ ≥ −s_r z_r; g·δ ≥ −G(x)
        N = self.region_rows(S) + [g]
        h = [-z[r] if S[r] else z[r] for r in range(m)] + [-gz]
        keep = []
        for i in range(m + 1):
            if all(t == 0 for t in N[i]):
                if h[i] > 0:
                    return None                 # 0 ≥ h > 0: exactly empty
                continue
            keep.append(i)
        N = [N[i] for i in keep]
        h = [h[i] for i in keep]
        if not N:
            return ZERO, [ZERO] * d
        sgn = np.array([1.0 if s else -1.0 for s in S])
        Wf = self.Wf
        ef = np.array([float(t) for t in e])
        Nf_all = np.vstack([sgn[:, None] * Wf, (ef @ Wf)[None, :]])
        Nf = np.array([[float(t) for t in N[i]] for i in range(len(N))]) if len(keep) != m + 1 else Nf_all
        hf = np.array([float(t) for t in h])
        feasible, delta_hat, lam_hat = float_ldp(Nf, hf)

        def bound_from(lam):
            lam_q = [qf(max(float(t), 0.0)) for t in lam]
            v = comb(lam_q, N, d)
            lh = dot(lam_q, h)
            if lh <= 0:
                return ZERO, False
            nv = dot(v, v) if l2 else norm1(v)
            if nv == 0:
                return INF, True                # Farkas: Nᵀλ = 0, λᵀh > 0
            return (lh * lh / nv if l2 else lh / nv), False

        if lam_hat is not None and np.all(np.isfinite(lam_hat)):
            bnd, farkas = bound_from(lam_hat)
            if farkas or prunable(bnd, is_open):
                return None
        if feasible is False or feasible is None:
            hx = [-self.b[r] if S[r] else self.b[r] for r in range(m)] + [-g0]
            hx = [hx[i] for i in keep]
            if self.piece_empty(S, c, y, N, hx):
                return None
        out["exactSolves"] += 1
        if l2:
            got = ldp_exact(N, h, delta_hat, lam_hat, self.stats)
            if got is None:
                res = simplex(N, h, [ZERO] * d)
                if res[0] == "infeasible":
                    return None
                raise NotCertified("ℓ2 piece feasible but no KKT active set found")
            delta = got[0]
            return dot(delta, delta), delta
        # ℓ∞: variables (δ, t); rows N·δ ≥ h, t − δ_i ≥ 0, t + δ_i ≥ 0
        A = [list(r) + [ZERO] for r in N]
        bb = list(h)
        for i in range(d):
            row = [ZERO] * (d + 1)
            row[i], row[d] = -ONE, ONE
            A.append(row)
            bb.append(ZERO)
            row = [ZERO] * (d + 1)
            row[i], row[d] = ONE, ONE
            A.append(row)
            bb.append(ZERO)
        cvec = [ZERO] * d + [ONE]
        status, xhat, yhat = float_lp(A, bb, cvec)
        if status == 0 and yhat is not None:
            bnd, farkas = bound_from(yhat[:len(N)])
            if farkas or prunable(bnd, is_open):
                return None
            got = lp_from_basis(A, bb, cvec, xhat, yhat)
            if got is not None:
                x = got[0]
                return x[d], x[:d]
        self.stats["simplex"] = self.stats.get("simplex", 0) + 1
        res = simplex(A, bb, cvec)
        if res[0] == "infeasible":
            return None
        if res[0] != "optimal":
            raise NotCertified("ℓ∞ piece LP unbounded below (impossible: t ≥ 0)")
        x = res[1]
        # t may exceed max|δ_i| only if the LP is degenerate in t; the optimum has t = ‖δ‖∞
        assert x[d] == max((abs(t) for t in x[:d]), default=ZERO) or x[d] == 0
        return x[d], x[:d]


# ----------------------------------------------------------------------------------------------
# Witness check (shared with the fuzz harness)
# ----------------------------------------------------------------------------------------------

def fooled(net, xq, y):
    return net.decision(xq) != y


def check_witness(net, x, y, norm, value, delta, interior=None):
    """Independent check of a witness: ‖delta‖ (squared for ℓ2) equals `value`; x + delta is in the
    fooling set, or (with `interior`) x + interior is in it, and for one target c the neurons entering
    F_c − F_y have compatible signs at both points (so F_c − F_y is affine on the segment) and c's
    condition holds on the whole half-open segment (x+interior … x+delta].
    Returns None if valid, else a reason."""
    d = net.d
    if delta is None or len(delta) != d:
        return f"delta has length {None if delta is None else len(delta)}, expected {d}"
    xq = [qf(t) for t in x]
    nv = dot(delta, delta) if norm == "l2" else max((abs(t) for t in delta), default=ZERO)
    if nv != value:
        return f"‖delta‖{'²' if norm == 'l2' else '∞'} = {nv} ≠ exact upper {value}"
    p = [a + b for a, b in zip(xq, delta)]
    if interior is None:
        return None if fooled(net, p, y) else "x + delta is not in the fooling set (and no interior given)"
    if len(interior) != d:
        return f"interior has length {len(interior)}, expected {d}"
    pi = [a + b for a, b in zip(xq, interior)]
    if not fooled(net, pi, y):
        return "x + interior is not in the fooling set"
    z1, z2 = net.preacts(p), net.preacts(pi)
    # Only the neurons entering F_c − F_y (coefficient A[c][r] − A[y][r] ≠ 0) must keep their signs
    # along the segment: then F_c − F_y is affine on it (Proofs/robustness.md, "The last check").
    shared = False
    for c in range(net.k):
        if c == y:
            continue
        entering = [r for r in range(net.m) if net.A[c][r] != net.A[y][r]]
        if any((z1[r] > 0 and z2[r] < 0) or (z1[r] < 0 and z2[r] > 0) for r in entering):
            continue
        shared = True
        G1 = sum(((net.A[c][r] - net.A[y][r]) * max(z1[r], ZERO) for r in entering), ZERO)
        G2 = sum(((net.A[c][r] - net.A[y][r]) * max(z2[r], ZERO) for r in entering), ZERO)
        if G1 >= 0 and (G2 > 0 or (c < y and G2 >= 0)):
            return None
    if not shared:
        return "x + delta and x + interior share no activation pattern on the neurons of any target"
    return "no target whose condition holds on the segment from x + interior to x + delta"


# ----------------------------------------------------------------------------------------------
# Files, CLI
# ----------------------------------------------------------------------------------------------

def load_net(netdir):
    W, b, a = (np.load(os.path.join(netdir, f"{n}.npy")) for n in ("W", "b", "a"))
    X = np.load(os.path.join(netdir, "X_test.npy"))
    y = np.load(os.path.join(netdir, "y_test.npy"))
    return Net(W, b, a), X, y


def reference(netdir, norms=("l2",), points=None, open_rule=True):
    """Per point, per norm: {'value', 'attained', 'verified', 'delta', 'interior', …} (exact)."""
    net, X, y = load_net(netdir)
    idx = range(len(X)) if points is None else points
    res = []
    for i in idx:
        row = {}
        for norm in norms:
            try:
                row[norm] = net.radius(X[i], y[i], norm, open_rule=open_rule)
            except NotCertified as err:
                row[norm] = {"norm": norm, "verified": False, "reason": str(err), "value": None}
        res.append(row)
    return net, res


def to_json(r):
    out = {}
    for k, v in r.items():
        if k in ("delta", "interior"):
            out[k] = None if v is None else [qstr(t) for t in v]
        elif k == "value":
            out[k] = None if v is None else qstr(v)
        else:
            out[k] = v
    if r.get("value") is not None:
        v = r["value"]
        out["radius"] = (math.inf if v == INF else
                         (math.sqrt(float(v)) if r["norm"] == "l2" else float(v)))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("netdir", nargs="?")
    ap.add_argument("--linf", action="store_true", help="also the exact ℓ∞ radii")
    ap.add_argument("--points", help="comma-separated point indices (default: all)")
    ap.add_argument("--json", help="write the per-point results here")
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args(argv)
    if args.self_test:
        return self_test()
    if not args.netdir:
        ap.error("NETDIR or --self-test")
    norms = ("l2", "linf") if args.linf else ("l2",)
    pts = [int(t) for t in args.points.split(",")] if args.points else None
    t0 = time.time()
    net, res = reference(args.netdir, norms, pts)
    rows = [{n: to_json(r[n]) for n in norms} for r in res]
    for i, r in enumerate(rows):
        cells = []
        for n in norms:
            v = r[n]
            if not v["verified"]:
                cells.append(f"{n}: UNVERIFIED ({v['reason']})")
                continue
            cells.append(f"{n}: {'ρ²' if n == 'l2' else 'ρ'} = {v['value']} (≈ {v['radius']:.6g}), "
                         f"{'attained' if v['attained'] else 'not attained'}")
        print(f"point {i if pts is None else pts[i]}: " + "; ".join(cells))
    print(f"{len(rows)} points in {time.time() - t0:.2f} s ({RATIONAL}); stats {net.stats}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0 if all(r[n]["verified"] for r in rows for n in norms) else 1


# ----------------------------------------------------------------------------------------------
# Self-tests
# ----------------------------------------------------------------------------------------------

def self_test():
    failures = []

    def expect(name, got, want):
        if got != want:
            failures.append(f"{name}: got {got}, want {want}")
            print(f"  FAIL {name}: got {got}, want {want}")
        else:
            print(f"  ok   {name}")

    t0 = time.time()
    F = Fraction
    # 1. One neuron: ρ² = z²/‖w‖², ρ∞ = |z|/‖w‖₁.
    w, bb = np.array([0.3, -1.7, 2.5]), -0.4
    net = Net(w[None, :], [bb], [1.0])
    x = np.array([1.1, -0.2, 0.6])
    zq = F(0.3) * F(1.1) + F(-1.7) * F(-0.2) + F(2.5) * F(0.6) + F(-0.4)
    r = net.radius(x, 1, "l2")
    expect("one neuron ρ² = z²/‖w‖² (label +1, attained)", (r["value"], r["attained"]),
           (Q(zq * zq / (F(0.3) ** 2 + F(1.7) ** 2 + F(2.5) ** 2)), True))
    r = net.radius(x, 1, "linf")
    expect("one neuron ρ∞ = z/‖w‖₁", r["value"], Q(zq / (F(0.3) + F(1.7) + F(2.5))))
    x2 = np.array([-1.1, 0.2, -0.6])
    z2 = F(0.3) * F(-1.1) + F(-1.7) * F(0.2) + F(2.5) * F(-0.6) + F(-0.4)
    r = net.radius(x2, 0, "l2")
    expect("one neuron, label 0: open set {f > 0}, same distance, not attained",
           (r["value"], r["attained"]), (Q(z2 * z2 / (F(0.3) ** 2 + F(1.7) ** 2 + F(2.5) ** 2)), False))
    expect("one neuron, misclassified point: ρ = 0", net.radius(x, 0, "l2")["value"], ZERO)
    # 2. ReLU(x1) − ReLU(x2): ρ² = (x1 − x2)²/2 from the neighbouring region; ρ∞ = (x1 − x2)/2.
    net = Net(np.eye(2), [0.0, 0.0], [1.0, -1.0])
    for pt in ([0.9, 0.35], [0.7, -0.3], [2.5, 2.25]):
        r = net.radius(np.array(pt), 1, "l2")
        want = (F(pt[0]) - F(pt[1])) ** 2 / 2 if pt[1] > 0 else min(F(pt[0]) ** 2, (F(pt[0]) - F(pt[1])) ** 2 / 2)
        expect(f"ReLU(x1) − ReLU(x2) at {pt}: ρ²", r["value"], Q(want))
    r = net.radius(np.array([0.9, 0.35]), 1, "linf")
    expect("ReLU(x1) − ReLU(x2) at [0.9, 0.35]: ρ∞ = (x1 − x2)/2", r["value"], Q((F(0.9) - F(0.35)) / 2))
    # 3. All-negative head: f ≤ 0 everywhere. Label 0: ρ = ∞; label 1: misclassified, ρ = 0.
    rng = np.random.default_rng(1)
    W = rng.standard_normal((5, 3))
    net = Net(W, rng.standard_normal(5), -np.abs(rng.standard_normal(5)))
    for i in range(3):
        x = rng.standard_normal(3)
        expect(f"all-negative head, label 0, point {i}: ρ² = ∞", net.radius(x, 0, "l2")["value"], INF)
        expect(f"all-negative head, label 0, point {i}: ρ∞ = ∞", net.radius(x, 0, "linf")["value"], INF)
        expect(f"all-negative head, label 1, point {i}: ρ = 0", net.radius(x, 1, "l2")["value"], ZERO)
    # 4. f ≡ 0 by cancellation: the closure of {f > 0} is empty (a naive closure would say 0).
    net = Net(np.array([[1.0, 2.0], [1.0, 2.0]]), [0.5, 0.5], [1.5, -1.5])
    r = net.radius(np.array([0.3, 0.1]), 0, "l2")
    expect("f ≡ 0 (duplicated neuron, opposite heads), label 0: ρ = ∞", r["value"], INF)
    expect("… the naive closure (no open-set rule) would give 0",
           net.radius(np.array([0.3, 0.1]), 0, "l2", open_rule=False)["value"], ZERO)
    # parallel neurons with shifted bias: f = ReLU(z) − ReLU(z − 1) ∈ [0, 1]; label 0 at z < 0
    net = Net(np.array([[1.0, 0.0], [1.0, 0.0]]), [0.0, -1.0], [1.0, -1.0])
    r = net.radius(np.array([-0.75, 3.0]), 0, "l2")
    expect("ReLU(x1) − ReLU(x1 − 1), label 0 at x1 = −0.75: ρ² = 0.5625, not attained",
           (r["value"], r["attained"]), (Q(F(9, 16)), False))
    # 5. Dense head tie rule (ties → lowest index).
    net = Net(np.eye(2), [0.0, 0.0], np.array([[1.0, 0.0], [0.0, 1.0]]))
    r = net.radius(np.array([2.0, 1.0]), 0, "l2")
    expect("F = (ReLU x1, ReLU x2) at (2, 1), label 0: open target, ρ² = 1/2, not attained",
           (r["value"], r["attained"]), (Q(F(1, 2)), False))
    r = net.radius(np.array([1.0, 2.0]), 1, "l2")
    expect("… at (1, 2), label 1: closed target (tie goes to 0), ρ² = 1/2, attained",
           (r["value"], r["attained"]), (Q(F(1, 2)), True))
    expect("… at (1, 1), label 1: tie decides 0, misclassified, ρ = 0",
           net.radius(np.array([1.0, 1.0]), 1, "l2")["value"], ZERO)
    r = net.radius(np.array([1.0, 1.0]), 0, "l2")
    expect("… at (1, 1), label 0: ρ = 0, not attained (x is on the open set's boundary)",
           (r["value"], r["attained"]), (ZERO, False))
    net = Net(np.eye(2), [0.0, 0.0], np.array([[1.0, -1.0], [1.0, -1.0], [0.0, 0.0]]))
    expect("duplicated head rows: label 1 can never win (ρ = 0)",
           net.radius(np.array([3.0, 1.0]), 1, "l2")["value"], ZERO)
    r = net.radius(np.array([3.0, 1.0]), 0, "l2")
    expect("… label 0: target 1 never strictly wins; target 2 at ρ² = (3 − 1)²/2 = 2 (open)",
           (r["value"], r["attained"]), (Q(2), False))
    # 6. Random nets: agreement with a float brute force (every pattern × every active set), and
    #    every witness passes the independent witness check; ℓ∞ against linprog per region.
    from scipy.optimize import linprog
    worst2 = worstinf = 0.0
    bad_w = 0
    for trial in range(12):
        rng = np.random.default_rng(100 + trial)
        d, m = int(rng.integers(2, 5)), int(rng.integers(2, 6))
        k = 2 if trial % 2 == 0 else int(rng.integers(3, 5))
        W = rng.standard_normal((m, d))
        if trial % 3 == 0:
            W[-1] = 2 * W[0]                                  # parallel neurons
        bvec = rng.standard_normal(m) * 0.5
        a = rng.standard_normal(m) if k == 2 else rng.standard_normal((k, m))
        net = Net(W, bvec, a)
        for p in range(3):
            x = rng.standard_normal(d)
            y = net.decision([qf(t) for t in x])
            for norm in ("l2", "linf"):
                r = net.radius(x, y, norm)
                bf = _float_brute(W, bvec, net.Af, x, y, norm, linprog)
                v = math.sqrt(float(r["value"])) if norm == "l2" and r["value"] != INF else float(r["value"])
                err = abs(v - bf) / max(bf, 1e-12) if math.isfinite(bf) else (0.0 if v == INF else 1.0)
                if norm == "l2":
                    worst2 = max(worst2, err)
                else:
                    worstinf = max(worstinf, err)
                if r["value"] != INF:
                    why = check_witness(net, x, y, norm, r["value"], r["delta"], r["interior"])
                    if why:
                        bad_w += 1
                        print(f"  witness failed (trial {trial}, point {p}, {norm}): {why}")
    expect("random nets: exact ρ vs float brute force (ℓ2), relative error ≤ 1e-7", worst2 <= 1e-7, True)
    expect("random nets: exact ρ∞ vs float linprog per region, relative error ≤ 1e-7", worstinf <= 1e-7, True)
    expect("random nets: every witness passes check_witness", bad_w, 0)
    # 7. Exact metamorphic relations (powers of two scale float64 exactly): W, b ← 2^k W, 2^k b keeps
    #    ρ; x, b ← 2^k x, 2^k b scales ρ by 2^k; permuting neurons (with the head's columns) or
    #    coordinates, or scaling the head by 2^k, keeps ρ. k up to ±60 (≈ 1e±18).
    bad_meta = 0
    for trial in range(6):
        rng = np.random.default_rng(200 + trial)
        d, m = int(rng.integers(2, 5)), int(rng.integers(2, 6))
        k = 2 if trial % 2 == 0 else 3
        W = rng.standard_normal((m, d))
        bvec = rng.standard_normal(m) * 0.5
        a = rng.standard_normal(m) if k == 2 else rng.standard_normal((k, m))
        X = rng.standard_normal((3, d))
        base = Net(W, bvec, a)
        ys = [base.decision([qf(t) for t in x]) for x in X]
        e = int(rng.choice([-60, -27, 27, 60]))
        s = 2.0 ** e
        perm, cperm = rng.permutation(m), rng.permutation(d)
        variants = [("scale W, b", Net(s * W, s * bvec, a), lambda x: x, 0),
                    ("scale x, b", Net(W, s * bvec, a), lambda x: s * x, e),
                    ("permute neurons", Net(W[perm], bvec[perm], a[..., perm]), lambda x: x, 0),
                    ("permute coordinates", Net(W[:, cperm], bvec, a), lambda x: x[cperm], 0),
                    ("scale head", Net(W, bvec, s * a), lambda x: x, 0)]
        for norm in ("l2", "linf"):
            for x, y in zip(X, ys):
                r0 = base.radius(x, y, norm)
                for name, net2, tx, ex in variants:
                    r1 = net2.radius(tx(x), y, norm)
                    pw2 = 2 * ex if norm == "l2" else ex
                    fac = Q(2 ** pw2) if pw2 >= 0 else ONE / Q(2 ** -pw2)
                    want = r0["value"] if r0["value"] == INF else r0["value"] * fac
                    if r1["value"] != want or r1["attained"] != r0["attained"]:
                        bad_meta += 1
                        print(f"  metamorphic {name} (2^{e}, {norm}): {r1['value']} vs {want}")
    expect("exact metamorphic relations (scale by 2^±60, permutations)", bad_meta, 0)
    # 8. Pruning never changes an answer: every piece solved exactly (prune=False) agrees, on
    #    seed 0 of every soundness family (first 4 points, ℓ2 and ℓ∞).
    try:
        import soundness_networks as gen
    except ImportError:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import soundness_networks as gen
    bad_prune = 0
    for fam in gen.FAMILIES:
        W, bvec, a, X, y = gen.generate(fam, 0)
        net = Net(W, bvec, a)
        for i in range(min(4, len(X))):
            for norm in ("l2", "linf"):
                r1, r2 = net.radius(X[i], y[i], norm), net.radius(X[i], y[i], norm, prune=False)
                if (r1["value"], r1["attained"]) != (r2["value"], r2["attained"]):
                    bad_prune += 1
                    print(f"  pruning changed {fam}-0 point {i} {norm}: {r1['value']} vs {r2['value']}")
                if r1["value"] != INF:
                    why = check_witness(net, X[i], y[i], norm, r1["value"], r1["delta"], r1["interior"])
                    if why:
                        bad_prune += 1
                        print(f"  witness {fam}-0 point {i} {norm}: {why}")
    expect("pruned = unpruned, witnesses valid, on every soundness family (seed 0)", bad_prune, 0)
    # 9. The witness checker has power: a shortened witness is refused.
    net = Net(np.eye(2), [0.0, 0.0], [1.0, -1.0])
    r = net.radius(np.array([0.9, 0.35]), 1, "l2")
    half = [t / 2 for t in r["delta"]]
    expect("witness check refuses delta/2", check_witness(net, [0.9, 0.35], 1, "l2", dot(half, half), half) is not None, True)
    print(f"self-test: {len(failures)} failures, {time.time() - t0:.1f} s ({RATIONAL})")
    return 1 if failures else 0


def _float_brute(W, b, A, x, y, norm, linprog):
    """Float brute force: every pattern, every target; ℓ2 by every active set, ℓ∞ by linprog; the
    open rule by linprog (max G over the region, boxed). For the self-test only."""
    m, d = W.shape
    k = A.shape[0]
    z = W @ x + b
    best = math.inf
    for pat in itertools.product([False, True], repeat=m):
        s = np.array(pat)
        sg = np.where(s, 1.0, -1.0)
        for c in range(k):
            if c == y:
                continue
            e = (A[c] - A[y]) * s
            g, gz = e @ W, e @ z
            if c > y:   # open: does the region hold G > 0? (boxed LP in x-space)
                R = 1e3
                res = linprog(-g, A_ub=-(sg[:, None] * W), b_ub=sg * b, bounds=[(-R, R)] * d, method="highs")
                if res.status != 0 or -res.fun + e @ b <= 1e-9:
                    continue
            N = np.vstack([sg[:, None] * W, g[None, :]])
            h = np.concatenate([-sg * z, [-gz]])
            if norm == "l2":
                for kk in range(0, min(m + 1, d) + 1):
                    for act in itertools.combinations(range(m + 1), kk):
                        act = list(act)
                        if kk == 0:
                            t = np.zeros(d)
                        else:
                            K = N[act] @ N[act].T
                            if np.linalg.matrix_rank(K) < kk:
                                continue
                            lam = np.linalg.solve(K, h[act])
                            if np.any(lam < -1e-12):
                                continue
                            t = N[act].T @ lam
                        if np.all(N @ t - h >= -1e-9 * (1 + np.abs(h))):
                            best = min(best, float(np.linalg.norm(t)))
            else:
                Aub = np.vstack([np.hstack([-N, np.zeros((m + 1, 1))]),
                                 np.hstack([np.eye(d), -np.ones((d, 1))]),
                                 np.hstack([-np.eye(d), -np.ones((d, 1))])])
                rhs = np.concatenate([-h, np.zeros(2 * d)])
                cc = np.zeros(d + 1)
                cc[-1] = 1
                res = linprog(cc, A_ub=Aub, b_ub=rhs, bounds=[(None, None)] * d + [(0, None)], method="highs")
                if res.status == 0:
                    best = min(best, float(res.fun))
    return best


if __name__ == "__main__":
    sys.exit(main())
