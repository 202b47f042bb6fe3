"""Independent NumPy replication of AT.phaseTransition (Proofs/claims/AT.phaseTransition.md), on the
claim's confirmatory setting: `at-phase` trained on the adversarial loss alone (c = 0) with ε = 2β.
The training iteration is the reference implementation of at_phase_numpy.py (NumPy, written from
Proofs/adversarial-training.md); the probe, the per-class correlations and the phase detector are
written here from the claim's page. Nothing of the project is imported.

Adversarial training on at-phase is chaotic (Proofs/adversarial-training.md, "Rounding
sensitivity"): two implementations agree for a few hundred steps and then follow different
trajectories from the same data and initialisation. So this replication compares *outcomes*, per
seed and over the seeds, not weights: its own run's detector against the same detector applied to
the engine's exported history (history.json), plus the probes' agreement over the first steps.

For each DIR (the output of
    theorycheck train --preset at-phase --set adversarialTraining.cleanWeight=0 \
        --set adversarialTraining.epsilon=1 --set robustness.epsilon=1 --seed S --out DIR
— the claim's standard config for seed S; add --set data.trainSamples=100 --set optimizer.steps=1200
for smoke), it
  1. trains from W_init on X_train with 5-step NRF-PGD (the run's attack) on the adversarial loss
     alone, probing every `probeEvery` steps (and at 0 and T):
       ρ_u,i, ρ_v,i = max over class i's neurons of ⟨w_r, u_i⟩, ⟨w_r, v_i⟩ (unit features);
       r_i = the fraction of class i's test points classified correctly at x and under 10-step
             targeted-margin PGD toward each other class (ascending F_t − F_y, steps 0.25ε, each
             patch's step in span{v_1 … v_k}, normalised per patch, each patch projected back
             onto its ε-ball; a point counts as fooled if any iterate of any target fools it);
  2. runs the detector of the page on its own paths and on the engine's history: t*_i = the first
     probe from which ρ_u,i > ρ_v,i at every later probe; Phase I of class i: some probe before
     t*_i with ρ_v,i ≥ ρ/β and r_i ≤ 0.1; Phase II: t*_i defined, r_i(T) ≥ 0.9 and
     ρ_v,i(T) ≤ max_{t ≤ t*_i} ρ_v,i(t); a seed satisfies the predicate with Phase II in every
     class and Phase I in ≥ ⌈k/2⌉ classes;
  3. prints both side by side and, over all DIRs, the satisfying counts of numpy and engine.

    python3 Benchmarks/reference/at_phase_transition_replication.py DIR [DIR …]

Exit 1 when the probes differ by more than 1e-6 at a step ≤ 25 (an implementation difference shows
there; the chaotic parting does not: on the claim's 12 standard seeds the runs part — first probe
differing by > 1e-6 — at step 50 (seed 12), 75 (5 seeds), 100 (4) or 125 (2)).
"""
import json
import math
import sys

import numpy as np

from at_phase_numpy import attack, forward_backward, load
from fa_gd_numpy import activation, head_matrix


def logits(Xp, n, P, W, A, value):
    return (value(Xp @ W.T) @ A).reshape(n, P, -1).sum(axis=1)


def class_robust_accuracy(X, y, W, A, value, slope, epsilon, basis, k, d):
    """r_i for each class i under the probe (see the module's docstring)."""
    n, P = X.shape[0], X.shape[1] // d
    Xp = X.reshape(n * P, d)
    robust = logits(Xp, n, P, W, A, value).argmax(axis=1) == y
    for shift in range(1, k):
        target = (y + shift) % k
        delta = np.zeros_like(Xp)
        for _ in range(10):
            Z = (Xp + delta) @ W.T
            # ∂(F_t − F_y)/∂x per patch row: Σ_r (A[r, t] − A[r, y])·σ′(z_r)·w_r
            coefficient = A[:, target].T - A[:, y].T                  # n × m
            g = (np.repeat(coefficient, P, axis=0) * slope(Z)) @ W
            g = (g @ basis.T) @ basis
            norms = np.sqrt((g * g).sum(axis=1, keepdims=True))
            delta = delta + np.where(norms > 0, 0.25 * epsilon * g / np.where(norms > 0, norms, 1), 0)
            lengths = np.sqrt((delta * delta).sum(axis=1, keepdims=True))
            delta = delta * np.where(lengths > epsilon, epsilon / np.where(lengths > 0, lengths, 1), 1)
            F = logits(Xp + delta, n, P, W, A, value)
            robust &= F.argmax(axis=1) == y
    return [float(robust[y == i].mean()) for i in range(k)]


def own_correlation(W, features, owner):
    """max over class i's neurons of ⟨w_r, feature_i⟩, for each class i."""
    c = W @ features.T
    return [float(max(c[r, i] for r in range(W.shape[0]) if owner[r] == i)) for i in range(features.shape[0])]


def train_and_probe(d, config):
    A = head_matrix(d["a"], d["neuron_output"])
    opt, act, adversary = config["optimizer"], config["network"]["activation"], config["adversarialTraining"]
    assert adversary["enabled"] and adversary["cleanWeight"] == 0 and adversary["attack"]["subspace"] == "non-robust"
    probe = config["robustness"]
    assert probe["attack"]["objective"] == "targeted-margin" and probe["attack"]["steps"] == 10
    value, slope = activation(act["kind"], act["q"], act["rho"])
    dim = d["W_init"].shape[1]
    X, y, W = d["X_train"], d["y_train"], d["W_init"].copy()
    n, P, k = X.shape[0], X.shape[1] // dim, d["robust_features"].shape[0]
    Xp = X.reshape(n * P, dim)
    basis = d["nonrobust_features"]
    history = []
    for t in range(opt["steps"] + 1):
        if t % opt["probeEvery"] == 0 or t == opt["steps"]:
            history.append({"step": t, "robust": own_correlation(W, d["robust_features"], d["neuron_output"]),
                            "nonRobust": own_correlation(W, basis, d["neuron_output"]),
                            "robustAccuracy": class_robust_accuracy(d["X_test"], d["y_test"], W, A, value, slope, probe["epsilon"],
                                                                    basis, k, dim)})
        if t == opt["steps"]:
            break
        Xa = attack(Xp, n, P, W, A, y, config["loss"], value, slope, adversary["epsilon"], adversary["attack"], basis)
        W = W - opt["learningRate"] * (forward_backward(Xa, n, P, W, A, y, config["loss"], value, slope).T @ Xa)
    return history


def detector(history, k, v_learned):
    """Per class (t*_i or None, Phase I, ends robust, v stops) and the seed's predicate."""
    classes = []
    for i in range(k):
        u = [h["robust"][i] for h in history]
        v = [h["nonRobust"][i] for h in history]
        r = [h["robustAccuracy"][i] for h in history]
        switch = None
        if u[-1] > v[-1]:
            switch = len(u) - 1
            while switch > 0 and u[switch - 1] > v[switch - 1]:
                switch -= 1
        phase_one = switch is not None and any(v[t] >= v_learned and r[t] <= 0.1 for t in range(switch))
        ends_robust = switch is not None and r[-1] >= 0.9
        v_stops = switch is not None and v[-1] <= max(v[:switch + 1])
        classes.append({"tStar": None if switch is None else history[switch]["step"], "phaseI": phase_one,
                        "endsRobust": ends_robust, "vStops": v_stops})
    phase_one = sum(c["phaseI"] for c in classes)
    phase_two = sum(c["endsRobust"] and c["vStops"] for c in classes)
    return {"classesWithPhaseI": phase_one, "classesWithPhaseII": phase_two,
            "classesEndingRobust": sum(c["endsRobust"] for c in classes), "classesWhereVStops": sum(c["vStops"] for c in classes),
            "tStar": None if any(c["tStar"] is None for c in classes) else max(c["tStar"] for c in classes),
            "satisfied": phase_two == k and phase_one >= math.ceil(k / 2)}


def engine_history(directory):
    with open(f"{directory}/history.json") as f:
        records = json.load(f)
    return [{"step": h["step"], "robust": h["series"]["robustCorrelation"], "nonRobust": h["series"]["nonRobustCorrelation"],
             "robustAccuracy": h["series"]["robustTestAccuracyByClass"]} for h in records]


def main():
    totals = {"numpy": 0, "engine": 0}
    early_ok = True
    for directory in sys.argv[1:]:
        d, config = load(directory)
        for name in ["X_test", "y_test"]:
            d[name] = np.load(f"{directory}/{name}.npy")
        data = config["data"]
        k, v_learned = data["classes"], config["network"]["activation"]["rho"] / data["beta"]["upper"]
        ours, engine = train_and_probe(d, config), engine_history(directory)
        assert [h["step"] for h in ours] == [h["step"] for h in engine], "probe steps differ"
        def gap_at(i):
            return max(abs(a - b) for key in ["robust", "nonRobust"] for a, b in zip(ours[i][key], engine[i][key]))
        early = [i for i, h in enumerate(ours) if h["step"] <= 25]
        gap = max(gap_at(i) for i in early)
        parting = next((h["step"] for i, h in enumerate(ours) if gap_at(i) > 1e-6), None)
        accuracy_gap = max(abs(a - b) for i in early for a, b in zip(ours[i]["robustAccuracy"], engine[i]["robustAccuracy"]))
        late = max(abs(a - b) for key in ["robust", "nonRobust"] for a, b in zip(ours[-1][key], engine[-1][key]))
        early_ok &= gap <= 1e-6
        mine, theirs = detector(ours, k, v_learned), detector(engine, k, v_learned)
        totals["numpy"] += mine["satisfied"]
        totals["engine"] += theirs["satisfied"]
        print(f"seed {config['seed']}: probes up to step 25 agree to {gap:.1e} (ρ) and {accuracy_gap:.3f} (r_i); they first differ by "
              f"> 1e-6 at step {parting}, and by {late:.2e} at T (chaotic AT: separate samples of the dynamics from there on)")
        for key in mine:
            print(f"    {key:22s} numpy {mine[key]!s:>6}   engine {theirs[key]!s:>6}")
    count = len(sys.argv) - 1
    print(f"{count} seeds: the predicate holds on {totals['numpy']} by numpy's own training and on {totals['engine']} "
          f"by the engine's (its history through the same detector)")
    sys.exit(0 if early_ok else 1)


if __name__ == "__main__":
    main()
