"""Exploration (not a verdict): FA.featureAveraging's part A at the paper's initialisation
σ_w = 1/√d, σ_b = 1/d, on runs exported by the engine, as d grows — does the every-neuron statement
that failed at d = 128 and 512 (Proofs/claims/FA.featureAveraging.md, "Finding") recover with d?

Part A's predicate, from the Proofs page, on one exported run: train accuracy 1, test accuracy
≥ 0.95, every neuron's own-class λ > 0, max/min own λ ≤ 3, own λ(T) > λ(T/2), and
cos(w_r − w_r(0), Σ_{j∈J_s} μ_j) ≥ 0.9, where J_s is the class of a_r's sign (clusters 0…k/2−1 are J₊).

    python3 Benchmarks/reference/fa_init_exploration.py DIR [DIR …]     # one line per DIR, then the fraction

Making a DIR (the claim's part-A setting at dimension D, seed S, with the paper's init):
    theorycheck train --preset fa-small --set data.dimension=D --set data.clusters=8 \
        --set data.positiveClusters=4 --set data.trainSamples=200 --set data.testSamples=400 \
        --set network.neuronsPerHead=4 --set network.secondLayerScale=0.25 \
        --set network.weightInitStd=$(1/√D) --set network.biasInitStd=$(1/D) \
        --set optimizer.learningRate=$(1/√D) --set optimizer.steps=$(2D) --set optimizer.probeEvery=D --seed S --out DIR
"""
import json
import sys

import numpy as np


def part_a(directory):
    lam = np.load(f"{directory}/lambda.npy")                  # neurons × k
    a = np.load(f"{directory}/a.npy")
    W, W0, mu = np.load(f"{directory}/W.npy"), np.load(f"{directory}/W_init.npy"), np.load(f"{directory}/features.npy")
    with open(f"{directory}/config.json") as f:
        config = json.load(f)
    with open(f"{directory}/history.json") as f:
        history = json.load(f)
    k, positive, steps = config["data"]["clusters"], config["data"]["positiveClusters"], config["optimizer"]["steps"]
    half = next(h for h in history if h["step"] == steps // 2)["series"]["lambda"]
    half = np.array(half).reshape(lam.shape)
    worst_ratio, min_own, min_growth, min_cos = 0.0, np.inf, np.inf, np.inf
    for r in range(lam.shape[0]):
        own = list(range(positive)) if a[r] > 0 else list(range(positive, k))
        own_lam = lam[r, own]
        min_own = min(min_own, own_lam.min())
        worst_ratio = max(worst_ratio, own_lam.max() / own_lam.min() if own_lam.min() > 0 else np.inf)
        min_growth = min(min_growth, (lam[r, own] - half[r, own]).min())
        direction, change = mu[own].sum(axis=0), W[r] - W0[r]
        min_cos = min(min_cos, change @ direction / (np.linalg.norm(change) * np.linalg.norm(direction)))
    last = history[-1]
    ok = (last["trainAccuracy"] == 1 and (last.get("testAccuracy") or 0) >= 0.95 and min_own > 0 and worst_ratio <= 3
          and min_growth > 0 and min_cos >= 0.9)
    return ok, config["data"]["dimension"], config["seed"], min_own, worst_ratio, min_cos


def main():
    results = [part_a(d) for d in sys.argv[1:]]
    for ok, d, seed, min_own, ratio, cos in results:
        print(f"d = {d:5d} seed {seed:3d}: part A {'✓' if ok else '✗'}  min own λ {min_own:.3g}  max/min own λ {ratio:.3g}  min cos {cos:.3f}")
    for d in sorted({r[1] for r in results}):
        row = [r for r in results if r[1] == d]
        print(f"d = {d}: part A holds on {sum(r[0] for r in row)}/{len(row)} seeds; "
              f"median max/min own λ {np.median([r[4] for r in row]):.3g}; seeds with a dead own cluster (min own λ = 0) "
              f"{sum(r[3] <= 0 for r in row)}")


if __name__ == "__main__":
    main()
