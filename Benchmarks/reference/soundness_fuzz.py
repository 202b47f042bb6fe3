#!/usr/bin/env python3
"""Soundness fuzz of `theorycheck robustness` against the rational reference (exact_radius_fractions).

For every network of soundness_networks.py (families × seeds) it writes the network directory, computes
each point's exact radius in rationals (ρ² for ℓ2, ρ for ℓ∞, with attainment and a witness), runs

    THEORYCHECK robustness --network NET --data npy:NET --attack exact,certified,strong[,exact-linf,
        certified-linf,pgd-linf] --radii 0:HI:STEP --out RUN

(HI = 1.25 × the largest finite reference radius, 40 steps) and checks RUN/robustness.json point by
point, within each norm:

  order        certified ≤ exact lower ≤ exact upper ≤ every attack's break radius ("loose" instead
               when only an unclosed exact bracket breaks the chain and nothing contradicts ρ;
               counted as a violation unless --loose-ok)
               (pointExactLower/Upper exact; certified and attack radii exactly as floats; an attack
               counts as below only beyond a relative --attack-tol, default 1e-9, as in
               Proofs/robustness.md "Two sides")
  bracket      pointExactLower ≤ reference ≤ pointExactUpper, exactly; a closed bracket
               (pointClosed) must EQUAL the reference; pointLower ≤ ρ ≤ pointUpper for the floats
  truth        certified radius ≤ ρ and attack break radius ≥ ρ against the reference itself; the
               exact curve's float pointRadii within a relative 1e-9 of ρ (unless pointClosed is false)
  attained     pointAttained agrees with the reference when the bracket is closed (and is never
               claimed where the reference says the infimum is not attained)
  witness      pointWitness re-checked in rationals: ‖delta‖ equals the exact upper value (squared
               for ℓ2), x + delta is in the fooling set — or, with "interior", x + interior is in it,
               both share an activation pattern and one target's condition holds on the segment
  field        side labels, lengths, pointRadii inside [pointLower, pointUpper]

Fields missing from robustness.json are counted per family ("missing"), not treated as violations;
but a run in which no exact bracket at all was compared with the reference fails as vacuous.
Exit 2 from theorycheck is accepted only with a message (printed); when the message names attacks of
the list, the run is repeated without them (reported as "dropped"). Exit 1, a signal, a timeout or
unreadable JSON is a violation ("crash"); when a failing run still wrote robustness.json (theorycheck's
own consistency check fails with exit 1) that file is checked too, to show which side is wrong.
Prints a family table, writes OUT/summary.json (every violation with its point) and exits 1 on any
violation (see --loose-ok). Needs numpy, scipy; gmpy2 makes the reference ≈15× faster.

    python3 soundness_fuzz.py --theorycheck .build/release/theorycheck --families all --seeds 0:5 --out /tmp/sf [--linf]
    python3 soundness_fuzz.py --theorycheck .build/release/theorycheck --quick --out /tmp/sf   # CI: seed 0 of every family, ≤ 6 points, ℓ2 + ℓ∞
    python3 soundness_fuzz.py --self-test      # the harness against a fake theorycheck, clean and with planted bugs

The fake (`--fake-theorycheck robustness …`) answers from the reference and writes the contract's
robustness.json; SOUNDNESS_FAKE_BUG=<bug> plants one bug (see FAKE_BUGS), which the self-test
requires the harness to catch.
"""
import argparse
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from exact_radius_fractions import (INF, ZERO, Net, NotCertified, Q, check_witness, qf,  # noqa: E402
                                    qparse, qstr)
import soundness_networks as gen  # noqa: E402

L2_ATTACKS = ["exact", "certified", "strong"]
LINF_ATTACKS = ["exact-linf", "certified-linf", "pgd-linf"]
SIDE = {"exact": "exact", "exact-linf": "exact", "certified": "certified", "certified-linf": "certified",
        "certified-interval": "certified"}
QUICK_POINTS = 6
CATEGORIES = ["bracket", "order", "truth", "attained", "witness", "field", "crash", "loose"]


def norm_of(attack, curve=None):
    if curve:
        for key in ("norm", "threatModel", "threat"):
            v = curve.get(key)
            if isinstance(v, str):
                if "inf" in v.lower() or "∞" in v:
                    return "linf"
                if "2" in v:
                    return "l2"
    return "linf" if ("linf" in attack or attack in ("fgsm",)) else "l2"


def side_of(attack):
    return SIDE.get(attack, "attack")


def fnum(v):
    """A JSON number or one of the strings 'inf', '-inf', 'nan' → float; None stays None."""
    if v is None:
        return None
    if isinstance(v, bool):
        raise ValueError(f"boolean {v} where a number was expected")
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str) and v.strip().lower() in ("inf", "+inf", "-inf", "nan", "infinity", "-infinity"):
        return float(v.strip().lower().replace("infinity", "inf"))
    raise ValueError(f"{v!r} is not a number")


def pw(v, norm):
    """A nonnegative float radius r as the exact reference quantity: r² (ℓ2) or r (ℓ∞)."""
    if v == math.inf:
        return INF
    q = qf(v)
    return q * q if norm == "l2" else q


def show(v, norm):
    if v is None:
        return "—"
    if v == INF:
        return "∞"
    r = math.sqrt(float(v)) if norm == "l2" else float(v)
    return f"{r:.6g}"


# ----------------------------------------------------------------------------------------------
# Reference (cached per network directory)
# ----------------------------------------------------------------------------------------------

def arrays_hash(netdir):
    h = hashlib.sha256()
    for name in ("W", "b", "a", "X_test", "y_test"):
        with open(os.path.join(netdir, f"{name}.npy"), "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def compute_reference(netdir, norms, open_rule=True):
    from exact_radius_fractions import load_net
    net, X, y = load_net(netdir)
    rows = []
    for i in range(len(X)):
        row = {}
        for norm in norms:
            try:
                r = net.radius(X[i], y[i], norm, open_rule=open_rule)
                row[norm] = {"value": qstr(r["value"]), "attained": bool(r["attained"]), "verified": True,
                             "delta": None if r["delta"] is None else [qstr(t) for t in r["delta"]],
                             "interior": None if r["interior"] is None else [qstr(t) for t in r["interior"]],
                             "seconds": r["seconds"]}
            except NotCertified as err:
                row[norm] = {"value": None, "verified": False, "reason": str(err)}
        rows.append(row)
    return rows


def load_reference(netdir, norms, recompute=False):
    path = os.path.join(netdir, "reference.json")
    digest = arrays_hash(netdir)
    if os.path.exists(path) and not recompute:
        with open(path) as f:
            cached = json.load(f)
        if cached.get("hash") == digest and all(n in cached.get("norms", []) for n in norms):
            return cached["points"]
    t0 = time.time()
    pts = compute_reference(netdir, norms)
    with open(path, "w") as f:
        json.dump({"hash": digest, "norms": list(norms), "points": pts, "seconds": time.time() - t0}, f)
    return pts


# ----------------------------------------------------------------------------------------------
# Running theorycheck
# ----------------------------------------------------------------------------------------------

def radii_grid(ref, norms):
    hi = 0.0
    for row in ref:
        for n in norms:
            v = row[n].get("value")
            if v in (None, "inf"):
                continue
            q = qparse(v)
            r = math.sqrt(float(q)) if n == "l2" else float(q)
            hi = max(hi, r)
    hi = 1.25 * hi if hi > 0 else 1.0
    step = hi / 40
    return f"0:{hi!r}:{step!r}"


CRASH_MARKERS = ("Fatal error", "fatalError", "Illegal instruction", "Segmentation fault", "Trace/breakpoint",
                 "Stack dump", "backtrace", "Assertion failed", "precondition failed", "Traceback")


def run_theorycheck(tc, netdir, outdir, attacks, grid, timeout, extra):
    """Returns (status, payload, attacks_used, dropped, messages): status 'ok' | 'refused' | 'crash'."""
    dropped, messages = [], []
    attacks = list(attacks)
    while attacks:
        if os.path.exists(outdir):
            shutil.rmtree(outdir)
        cmd = [tc, "robustness", "--network", netdir, "--data", f"npy:{netdir}", "--attack", ",".join(attacks),
               "--radii", grid, "--out", outdir] + list(extra)
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return "crash", f"timeout after {timeout} s: {' '.join(cmd)}", attacks, dropped, messages
        except OSError as err:
            return "crash", f"cannot run {tc}: {err}", attacks, dropped, messages
        msg = (p.stderr.strip() + "\n" + p.stdout.strip()).strip()
        if p.returncode == 0:
            path = os.path.join(outdir, "robustness.json")
            try:
                with open(path) as f:
                    return "ok", json.load(f), attacks, dropped, messages
            except (OSError, ValueError) as err:
                return "crash", f"exit 0 but {path} unreadable: {err}", attacks, dropped, messages
        if p.returncode == 2 and msg and not any(mk in msg for mk in CRASH_MARKERS):
            named = [a for a in attacks if re.search(r"(?<![\w-])" + re.escape(a) + r"(?![\w-])", msg)]
            messages.append(msg.splitlines()[-1] if msg.count("\n") > 3 else msg)
            if named and len(named) < len(attacks):
                dropped += named
                attacks = [a for a in attacks if a not in named]
                continue
            return "refused", msg, attacks, dropped, messages
        tail = "\n".join(msg.splitlines()[-15:])
        what = f"exit {p.returncode}: {' '.join(cmd)}\n{tail}"
        try:                                # checked anyway when it wrote its report (e.g. its own
            with open(os.path.join(outdir, "robustness.json")) as f:   # consistency check failed)
                return "failed", (what, json.load(f)), attacks, dropped, messages
        except (OSError, ValueError):
            return "crash", what, attacks, dropped, messages
    return "refused", "every attack was refused", attacks, dropped, messages


# ----------------------------------------------------------------------------------------------
# Checks
# ----------------------------------------------------------------------------------------------

class Checker:
    def __init__(self, family, seed, net, X, y, ref, attack_tol):
        self.family, self.seed, self.net, self.X, self.y, self.ref = family, seed, net, X, y, ref
        self.tol = attack_tol
        self.violations, self.missing = [], {}
        self.points = self.closed = self.open_points = self.infinite = self.exact_checked = self.witnesses = 0

    def bad(self, cat, point, norm, attack, msg):
        self.violations.append({"family": self.family, "seed": self.seed, "point": point, "norm": norm,
                                "attack": attack, "category": cat, "message": msg})

    def miss(self, field):
        self.missing[field] = self.missing.get(field, 0) + 1

    def field(self, curve, name, i, n):
        arr = curve.get(name)
        if arr is None:
            self.miss(f"{curve.get('attack')}.{name}")
            return None
        if not isinstance(arr, list) or len(arr) != n:
            if i == 0:
                self.bad("field", None, None, curve.get("attack"),
                         f"{name} has length {len(arr) if isinstance(arr, list) else type(arr).__name__}, expected {n}")
            return None if not isinstance(arr, list) or i >= len(arr) else arr[i]
        return arr[i]

    def check(self, payload, attacks_used):
        n = len(self.X)
        curves = payload.get("curves") if isinstance(payload, dict) else None
        if not isinstance(curves, list):
            self.bad("field", None, None, None, "robustness.json has no 'curves' list")
            return
        by_norm = {"l2": [], "linf": []}
        for cv in curves:
            name = cv.get("attack")
            if name is None:
                self.miss("curve.attack")
                continue
            side = cv.get("side")
            if side is None:
                self.miss(f"{name}.side")
                side = side_of(name)
            elif side_of(name) != "attack" and side != side_of(name):
                self.bad("field", None, None, name, f"side {side!r}, expected {side_of(name)!r}")
            by_norm[norm_of(name, cv)].append((name, side, cv))
        for a in attacks_used:
            if not any(cv.get("attack") == a for cv in curves):
                self.miss(f"curve {a}")
        self.points += n
        for norm, cvs in by_norm.items():
            if not cvs:
                continue
            ex = [c for c in cvs if c[1] == "exact"]
            if len(ex) > 1:
                self.bad("field", None, norm, None, f"{len(ex)} exact curves for {norm}")
            for i in range(n):
                self.check_point(i, norm, ex[0][2] if ex else None, cvs)

    def check_point(self, i, norm, exact, cvs):
        n = len(self.X)
        ref = self.ref[i].get(norm)
        if ref is None or not ref.get("verified"):
            R = None                                    # reference unavailable for this norm / point
        else:
            R = qparse(ref["value"])
        lo = up = closed = None
        if exact is not None:
            name = exact.get("attack")
            s_lo, s_up = self.field(exact, "pointExactLower", i, n), self.field(exact, "pointExactUpper", i, n)
            try:
                lo = None if s_lo is None else qparse(s_lo)
                up = None if s_up is None else qparse(s_up)
            except (ValueError, ZeroDivisionError) as err:
                self.bad("field", i, norm, name, f"unparsable exact bound: {err}")
            closed = self.field(exact, "pointClosed", i, n)
            attained = self.field(exact, "pointAttained", i, n)
            if lo is not None and up is not None and lo > up:
                self.bad("order", i, norm, name, f"exact lower {s_lo} > exact upper {s_up}")
            if closed is True and lo is not None and up is not None and lo != up:
                self.bad("field", i, norm, name, f"pointClosed but lower {s_lo} ≠ upper {s_up}")
            if R is not None:
                if lo is not None or up is not None:
                    self.exact_checked += 1
                if lo is not None and lo > R:
                    self.bad("bracket", i, norm, name, f"exact lower {s_lo} > reference {qstr(R)}")
                if up is not None and up < R:
                    self.bad("bracket", i, norm, name, f"exact upper {s_up} < reference {qstr(R)}")
                if closed is True and up is not None and up != R:
                    self.bad("bracket", i, norm, name, f"closed bracket {s_up} ≠ reference {qstr(R)}")
                if closed is True:
                    self.closed += 1
                if R == INF:
                    self.infinite += 1
                elif not ref.get("attained"):
                    self.open_points += 1
                if attained is not None and R != INF:
                    if attained is True and not ref["attained"]:
                        self.bad("attained", i, norm, name, "pointAttained true but the reference's infimum "
                                 "is not attained (open fooling set)")
                    elif closed is True and attained is False and ref["attained"]:
                        self.bad("attained", i, norm, name, "pointAttained false but the reference attains it")
            # float bracket
            try:
                fl, fu = fnum(self.field(exact, "pointLower", i, n)), fnum(self.field(exact, "pointUpper", i, n))
                fr = fnum(self.field(exact, "pointRadii", i, n))
            except ValueError as err:
                self.bad("field", i, norm, name, str(err))
                fl = fu = fr = None
            for v, what in ((fl, "pointLower"), (fu, "pointUpper"), (fr, "pointRadii")):
                if v is not None and (math.isnan(v) or v < 0):
                    self.bad("field", i, norm, name, f"{what} = {v}")
            fl = None if fl is None or math.isnan(fl) else max(fl, 0.0)
            fu = None if fu is None or math.isnan(fu) else fu
            if R is not None:
                if fl is not None and fl > 0 and pw(fl, norm) > R:
                    self.bad("bracket", i, norm, name, f"pointLower {fl!r} > ρ = {show(R, norm)}")
                if fu is not None and fu != math.inf and (R == INF or pw(fu, norm) < R):
                    self.bad("bracket", i, norm, name, f"pointUpper {fu!r} < ρ = {show(R, norm)}")
            if lo is not None and fl is not None and fl > 0 and pw(fl, norm) > lo:
                self.bad("order", i, norm, name, f"pointLower {fl!r} above pointExactLower {s_lo}")
            if up is not None and fu is not None and fu != math.inf and (up == INF or pw(fu, norm) < up):
                self.bad("order", i, norm, name, f"pointUpper {fu!r} below pointExactUpper {s_up}")
            if fr is not None and fl is not None and fu is not None and not (fl <= fr <= fu):
                self.bad("field", i, norm, name, f"pointRadii {fr!r} outside [pointLower {fl!r}, pointUpper {fu!r}]")
            if R is not None and fr is not None and not math.isnan(fr) and closed is not False:
                rho = math.inf if R == INF else (math.sqrt(float(R)) if norm == "l2" else float(R))
                if (rho == math.inf) != (fr == math.inf) or (rho != math.inf and abs(fr - rho) > 1e-9 * rho):
                    self.bad("truth", i, norm, name, f"exact pointRadii {fr!r} vs ρ = {show(R, norm)} "
                             "(relative 1e-9)")
            self.check_witness(i, norm, exact, up, s_up)
        # certified and attack curves
        for name, side, cv in cvs:
            if side == "exact":
                continue
            try:
                v = fnum(self.field(cv, "pointRadii", i, n))
            except ValueError as err:
                self.bad("field", i, norm, name, str(err))
                continue
            if v is None or math.isnan(v):
                continue
            if side == "certified":
                if v <= 0:
                    continue
                c = pw(v, norm)
                if R is not None and c > R:
                    self.bad("truth", i, norm, name, f"certified {v!r} > ρ = {show(R, norm)}")
                if lo is not None and c > lo:
                    loose = R is not None and c <= R and closed is not True
                    self.bad("loose" if loose else "order", i, norm, name,
                             f"certified {v!r} > exact lower {show(lo, norm)}"
                             + (" (bracket not closed; no contradiction with ρ)" if loose else ""))
            else:
                slack = 1 - self.tol
                bq = pw(v, norm) if v != math.inf else INF
                if bq == INF:
                    continue
                thr = (lambda t: t * Q(slack) * Q(slack)) if norm == "l2" else (lambda t: t * Q(slack))
                if R is not None and (R == INF or bq < thr(R)):
                    self.bad("truth", i, norm, name, f"attack breaks at {v!r} < ρ = {show(R, norm)}")
                if up is not None and (up == INF or bq < thr(up)):
                    loose = R is not None and R != INF and bq >= thr(R) and closed is not True
                    self.bad("loose" if loose else "order", i, norm, name,
                             f"attack breaks at {v!r} < exact upper {show(up, norm)}"
                             + (" (bracket not closed; no contradiction with ρ)" if loose else ""))

    def check_witness(self, i, norm, exact, up, s_up):
        n = len(self.X)
        name = exact.get("attack")
        if "pointWitness" not in exact:
            self.miss(f"{name}.pointWitness")
            return
        w = self.field(exact, "pointWitness", i, n)
        if up is None:
            return
        if w is None:
            if up != INF:
                self.miss(f"{name}.pointWitness (null with a finite upper)")
            return
        if up == INF:
            self.bad("witness", i, norm, name, "a witness for an infinite upper bound")
            return
        try:
            delta = [qparse(t) for t in w.get("delta")]
            interior = w.get("interior")
            interior = None if interior is None else [qparse(t) for t in interior]
        except (TypeError, ValueError, ZeroDivisionError, AttributeError) as err:
            self.bad("witness", i, norm, name, f"unparsable witness: {err}")
            return
        self.witnesses += 1
        why = check_witness(self.net, self.X[i], int(self.y[i]), norm, up, delta, interior)
        if why:
            self.bad("witness", i, norm, name, why)


# ----------------------------------------------------------------------------------------------
# Driver
# ----------------------------------------------------------------------------------------------

def prepare(family, seed, root, max_points):
    W, b, a, X, y = gen.generate(family, seed)
    if max_points:
        X, y = X[:max_points], y[:max_points]
    netdir = os.path.join(root, "nets", f"{family}-{seed}")
    gen.write(netdir, W, b, a, X, y)
    return netdir, Net(W, b, a), X, y


def fuzz(args, tc, pairs, out, linf, extra, quiet=False):
    norms = ("l2", "linf") if linf else ("l2",)
    attacks = L2_ATTACKS + (LINF_ATTACKS if linf else [])
    if getattr(args, "proving_only", False):
        attacks = [x for x in attacks if x in ("exact", "certified", "exact-linf", "certified-linf")]
    results = {}
    all_violations, refusals, crashes, drops = [], [], [], {}
    t_ref = t_tc = 0.0
    for family, seed in pairs:
        netdir, net, X, y = prepare(family, seed, out, args.max_points)
        t0 = time.time()
        ref = load_reference(netdir, norms)
        t_ref += time.time() - t0
        unverified = [(i, n, r[n].get("reason")) for i, r in enumerate(ref) for n in norms if not r[n].get("verified")]
        grid = radii_grid(ref, norms)
        rundir = os.path.join(out, "runs", f"{family}-{seed}")
        t0 = time.time()
        status, payload, used, dropped, msgs = run_theorycheck(tc, netdir, rundir, attacks, grid, args.timeout, extra)
        t_tc += time.time() - t0
        ck = Checker(family, seed, net, X, y, ref, args.attack_tol)
        fam = results.setdefault(family, {"nets": 0, "points": 0, "exact": 0, "closed": 0, "open": 0, "infinite": 0,
                                          "witnesses": 0, "violations": 0, "loose": 0, "refused": 0, "missing": 0,
                                          "unverifiedReference": 0})
        fam["nets"] += 1
        fam["unverifiedReference"] += len(unverified)
        for d_ in dropped:
            drops.setdefault(d_, []).append((f"{family}-{seed}", msgs[0] if msgs else ""))
        if dropped and not quiet:
            print(f"  {family}-{seed}: dropped {', '.join(dropped)} — theorycheck said: {msgs[0] if msgs else ''}")
        if status == "refused":
            fam["refused"] += 1
            refusals.append({"network": f"{family}-{seed}", "message": payload})
            if not quiet:
                print(f"  {family}-{seed}: refused (exit 2): {payload.splitlines()[-1] if payload else ''}")
            continue
        if status == "crash":
            ck.bad("crash", None, None, None, payload)
            crashes.append(f"{family}-{seed}")
        elif status == "failed":
            ck.bad("crash", None, None, None, payload[0] + "\n(its robustness.json is checked below)")
            ck.check(payload[1], used)
        else:
            ck.check(payload, used)
        fam["points"] += ck.points
        fam["exact"] += ck.exact_checked
        fam["closed"] += ck.closed
        fam["open"] += ck.open_points
        fam["infinite"] += ck.infinite
        fam["witnesses"] += ck.witnesses
        fam["violations"] += sum(v["category"] != "loose" for v in ck.violations)
        fam["loose"] += sum(v["category"] == "loose" for v in ck.violations)
        fam["missing"] += sum(ck.missing.values())
        fam.setdefault("missingFields", {})
        for k_, v_ in ck.missing.items():
            fam["missingFields"][k_] = fam["missingFields"].get(k_, 0) + v_
        all_violations += ck.violations
        if ck.violations and not quiet:
            for v in ck.violations[:5]:
                print(f"  VIOLATION {family}-{seed} point {v['point']} {v['norm'] or ''} {v['attack'] or ''} "
                      f"[{v['category']}]: {v['message']}")
            if len(ck.violations) > 5:
                print(f"  … {len(ck.violations) - 5} more for {family}-{seed}")
    return {"families": results, "violations": all_violations, "refusals": refusals, "dropped": drops,
            "referenceSeconds": t_ref, "theorycheckSeconds": t_tc, "attacks": attacks}


def print_table(summary):
    fams = summary["families"]
    cols = ["nets", "points", "exact", "closed", "open", "infinite", "witnesses", "violations", "loose", "refused",
            "missing"]
    w = max([len("family")] + [len(f) for f in fams]) + 2
    print("family".ljust(w) + "".join(c.rjust(11) for c in cols))
    tot = {c: 0 for c in cols}
    for f, r in fams.items():
        print(f.ljust(w) + "".join(str(r[c]).rjust(11) for c in cols))
        for c in cols:
            tot[c] += r[c]
    print("total".ljust(w) + "".join(str(tot[c]).rjust(11) for c in cols))
    print("  exact: points×norms with a reference compared; closed: brackets closed (lower = upper); open: "
          "ρ finite, infimum not attained; infinite: ρ = ∞;\n  loose: the chain fails only because theorycheck's "
          "exact bracket is not closed and an attack/certificate is tighter (no contradiction with ρ)")
    by_cat = {}
    for v in summary["violations"]:
        by_cat[v["category"]] = by_cat.get(v["category"], 0) + 1
    if by_cat:
        print("violations by category: " + ", ".join(f"{k} {v}" for k, v in sorted(by_cat.items())))
    miss = {}
    for r in fams.values():
        for k, v in r.get("missingFields", {}).items():
            miss[k] = miss.get(k, 0) + v
    if miss:
        print("missing fields (not violations): " + ", ".join(f"{k} ×{v}" for k, v in sorted(miss.items())))
    for a, where in summary["dropped"].items():
        print(f"attack {a} dropped on {len(where)} networks (e.g. {where[0][0]}: {where[0][1]})")
    unv = sum(r["unverifiedReference"] for r in fams.values())
    if unv:
        print(f"reference: {unv} point×norm values could not be certified (not compared)")


def parse_pairs(args):
    if args.quick:
        return [(f, 0) for f in gen.FAMILIES]
    fams = gen.parse_families(args.families)
    return [(f, s) for f in fams for s in gen.parse_seeds(args.seeds)]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--fake-theorycheck":
        return fake_theorycheck(argv[1:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--theorycheck", help="path of the theorycheck binary")
    ap.add_argument("--families", default="all")
    ap.add_argument("--seeds", default="0:3")
    ap.add_argument("--out", help="work directory (networks, runs, summary.json)")
    ap.add_argument("--linf", action="store_true", help="also exact-linf, certified-linf, pgd-linf")
    ap.add_argument("--quick", action="store_true", help="seed 0 of every family, ≤ 6 points, ℓ2 and ℓ∞")
    ap.add_argument("--max-points", type=int, default=0, help="keep only the first N points of each network")
    ap.add_argument("--attack-tol", type=float, default=1e-9)
    ap.add_argument("--loose-ok", action="store_true",
                    help="do not fail on 'loose' (an unclosed exact bracket wider than an attack/certificate)")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--extra", default="", help="extra arguments for theorycheck robustness (one string)")
    ap.add_argument("--proving-only", action="store_true",
                    help="only the proving side (exact and certified): no attacks, whose breaks are floating-point decisions")
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args(argv)
    if args.self_test:
        return self_test()
    if not args.theorycheck or not args.out:
        ap.error("--theorycheck PATH and --out DIR are required")
    if args.quick:
        args.linf = True
        args.max_points = args.max_points or QUICK_POINTS
    tc = os.path.abspath(args.theorycheck) if os.path.exists(args.theorycheck) else args.theorycheck
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    summary = fuzz(args, tc, parse_pairs(args), os.path.abspath(args.out), args.linf, args.extra.split())
    summary["seconds"] = time.time() - t0
    print_table(summary)
    print(f"{time.time() - t0:.1f} s (reference {summary['referenceSeconds']:.1f} s, theorycheck "
          f"{summary['theorycheckSeconds']:.1f} s); attacks {','.join(summary['attacks'])}")
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1, default=str)
    n = sum(v["category"] != "loose" or not args.loose_ok for v in summary["violations"])
    compared = sum(r["exact"] for r in summary["families"].values())
    if n:
        print(f"FAIL: {n} violations (details in {args.out}/summary.json)")
    elif compared == 0:
        print("FAIL: vacuous — no exact bracket was compared with the reference (every network refused, "
              "or pointExactLower/pointExactUpper missing everywhere)")
    else:
        print(f"PASS: no violation ({compared} exact brackets compared)")
    return 1 if n or compared == 0 else 0


# ----------------------------------------------------------------------------------------------
# A fake theorycheck (for --self-test): answers from the reference, optionally with a planted bug
# ----------------------------------------------------------------------------------------------

FAKE_BUGS = {
    # bug: the violation category the harness must report
    "naive-closure": "bracket",       # open pieces treated as closed (no open-set rule)
    "upper-ulp": "bracket",           # closed bracket 2⁻⁶⁰ relative above the truth
    "float-lower-high": "bracket",    # pointLower rounded up past ρ
    "witness-short": "witness",       # delta halved
    "witness-no-interior": "witness", # open fooling set, interior dropped
    "attained-flip": "attained",
    "certified-high": "truth",        # certificate 0.1% above ρ
    "attack-low": "truth",            # an attack breaks at radius 0 although ρ > 0
    "crash": "crash",                 # exit 1
}


def _float_down(R, norm):
    if R == INF:
        return math.inf
    s = math.sqrt(float(R)) if norm == "l2" else float(R)
    while s > 0 and pw(s, norm) > R:
        s = float(np.nextafter(s, 0))
    return s


def _float_up(R, norm):
    if R == INF:
        return math.inf
    s = math.sqrt(float(R)) if norm == "l2" else float(R)
    while pw(s, norm) < R:
        s = float(np.nextafter(s, math.inf))
    return s


def jnum(v):
    return "inf" if v == math.inf else v


def fake_theorycheck(argv):
    ap = argparse.ArgumentParser(prog="fake-theorycheck")
    ap.add_argument("command")
    ap.add_argument("--network", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--attack", required=True)
    ap.add_argument("--radii", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    bug = os.environ.get("SOUNDNESS_FAKE_BUG", "")
    if bug == "crash":
        print("Fatal error: planted crash", file=sys.stderr)
        return 1
    known = set(L2_ATTACKS + LINF_ATTACKS)
    attacks = a.attack.split(",")
    for at in attacks:
        if at not in known:
            print(f"error: unknown attack '{at}'", file=sys.stderr)
            return 2
    from exact_radius_fractions import load_net
    net, X, y = load_net(a.network)
    if not net.binary and "exact-linf" in attacks:
        print("error: --attack exact-linf needs a binary ReLU net (a.npy of shape (m,)); this head is dense",
              file=sys.stderr)
        return 2
    lo_, hi_, st_ = (float(t) for t in a.radii.split(":"))
    grid = [lo_ + i * st_ for i in range(int(round((hi_ - lo_) / st_)) + 1)]
    norms = sorted({norm_of(t) for t in attacks})
    ref = load_reference(a.network, norms)
    if bug == "naive-closure":
        ref = compute_reference(a.network, norms, open_rule=False)
    curves = []
    for at in attacks:
        norm, side = norm_of(at), side_of(at)
        cv = {"attack": at, "side": side, "radii": grid}
        pr = []
        vals = [qparse(r[norm]["value"]) for r in ref]
        if side == "exact":
            cv.update(pointLower=[], pointUpper=[], pointClosed=[], pointAttained=[], pointExactLower=[],
                      pointExactUpper=[], pointWitness=[])
            for i, r in enumerate(ref):
                R = vals[i]
                rr = r[norm]
                Ru = R * (1 + Q(1) / Q(2 ** 60)) if bug == "upper-ulp" and R not in (INF, ZERO) else R
                fl, fu = _float_down(Ru, norm), _float_up(Ru, norm)
                if bug == "float-lower-high" and R not in (INF, ZERO):
                    fl = float(np.nextafter(fu, math.inf))
                cv["pointLower"].append(jnum(fl))
                cv["pointUpper"].append(jnum(fu))
                cv["pointClosed"].append(True)
                att = bool(rr["attained"]) if R != INF else False
                if bug == "attained-flip" and R not in (INF, ZERO):
                    att = not att
                cv["pointAttained"].append(att)
                cv["pointExactLower"].append(qstr(Ru))
                cv["pointExactUpper"].append(qstr(Ru))
                w = None
                if rr.get("delta") is not None:
                    w = {"delta": rr["delta"]}
                    if rr.get("interior") is not None and bug != "witness-no-interior":
                        w["interior"] = rr["interior"]
                    if bug == "witness-short" and R not in (INF, ZERO):
                        w["delta"] = [qstr(qparse(t) / 2) for t in rr["delta"]]
                cv["pointWitness"].append(w)
                pr.append(jnum(fl if fl == fu else (fl + fu) / 2))
        elif side == "certified":
            for R in vals:
                if bug == "certified-high" and R not in (INF, ZERO):
                    pr.append(_float_up(R, norm) * 1.001)
                else:
                    pr.append(jnum(_float_down(R, norm) / 2 if R != INF else math.inf))
        else:
            for R in vals:
                if R == INF:
                    pr.append(None)
                    continue
                if bug == "attack-low" and R != ZERO:
                    pr.append(grid[0])
                    continue
                b = next((g for g in grid if pw(g, norm) >= R), None)
                pr.append(b)
        cv["pointRadii"] = pr
        if bug == "legacy":                 # a binary from before the contract: radii only
            cv = {k: v for k, v in cv.items() if k in ("attack", "side", "radii", "pointRadii")}
        curves.append(cv)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "robustness.json"), "w") as f:
        json.dump({"curves": curves}, f)
    return 0


def self_test():
    """The harness against the fake: clean ⇒ no violation; each planted bug ⇒ caught in its category."""
    t0 = time.time()
    work = tempfile.mkdtemp(prefix="soundness-selftest-")
    wrapper = os.path.join(work, "fake-theorycheck")
    with open(wrapper, "w") as f:
        f.write(f"#!/bin/sh\nexec {sys.executable} {os.path.abspath(__file__)} --fake-theorycheck \"$@\"\n")
    os.chmod(wrapper, 0o755)
    args = argparse.Namespace(max_points=QUICK_POINTS, attack_tol=1e-9, timeout=120)
    pairs = [(f, 0) for f in gen.FAMILIES]
    failures = []
    out = os.path.join(work, "run")
    os.environ.pop("SOUNDNESS_FAKE_BUG", None)
    s = fuzz(args, wrapper, pairs, out, True, [], quiet=True)
    print_table(s)
    ok = not s["violations"] and not s["refusals"]
    print(f"  {'ok  ' if ok else 'FAIL'} clean fake: {len(s['violations'])} violations "
          f"({time.time() - t0:.1f} s; exact-linf dropped on {len(s['dropped'].get('exact-linf', []))} dense nets)")
    if not ok:
        failures.append("clean")
        for v in s["violations"][:10]:
            print("     ", v)
    tot = sum(r["open"] for r in s["families"].values())
    if tot == 0:
        failures.append("no open points in the quick set")
    bug_pairs = [(f, 0) for f in ("random-binary", "near-boundary", "cancel-zero", "multiclass-dense",
                                  "one-sign-pos", "integer-degenerate")]
    for bug, cat in FAKE_BUGS.items():
        os.environ["SOUNDNESS_FAKE_BUG"] = bug
        s = fuzz(args, wrapper, bug_pairs, out, True, [], quiet=True)
        cats = {v["category"] for v in s["violations"]}
        ok = cat in cats
        fams = sorted({v["family"] for v in s["violations"] if v["category"] == cat})
        print(f"  {'ok  ' if ok else 'FAIL'} planted {bug}: {len(s['violations'])} violations, categories "
              f"{sorted(cats)}; caught in {len(fams)} families {fams[:4]}")
        if not ok:
            failures.append(bug)
    os.environ["SOUNDNESS_FAKE_BUG"] = "legacy"
    s = fuzz(args, wrapper, bug_pairs, out, True, [], quiet=True)
    miss = sum(r["missing"] for r in s["families"].values())
    compared = sum(r["exact"] for r in s["families"].values())
    ok = not s["violations"] and miss > 0 and compared == 0
    print(f"  {'ok  ' if ok else 'FAIL'} legacy output (radii only): {len(s['violations'])} violations, "
          f"{miss} missing fields reported, {compared} brackets compared (main() fails it as vacuous)")
    if not ok:
        failures.append("legacy")
    os.environ.pop("SOUNDNESS_FAKE_BUG", None)
    shutil.rmtree(work, ignore_errors=True)
    print(f"harness self-test: {len(failures)} failures {failures} in {time.time() - t0:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
