"""Independent NumPy replication of AT.standardTraining (Theorem 1 of Li & Li), written from
Proofs/claims/AT.standardTraining.md and Proofs/adversarial-training.md — not translated from the Swift: it imports
nothing of the project and re-derives the network, the loss gradient and every measured quantity.

For each DIR (the output of `theorycheck train` with the claim's at-theorem-1 config, see below), it
  1. trains the smoothed-ReLU CNN F_i(X) = Σ_{r of class i} a·Σ_p sReLU(⟨w_r, x_p⟩) by full-batch GD on
     the mean softmax cross-entropy from the exported W_init, on the exported training data;
  2. measures, on its own weights, the predicate's quantities: train and test accuracy, per class
     ρ_u,i = max_r ⟨w_r, u_i⟩ and ρ_v,i = max_r ⟨w_r, v_i⟩ (unit features, r over class i's neurons),
     min_i ρ_v,i/ρ_u,i, and the robust accuracy under the model-independent erasure
     x_p ← x_p − β·v_y on every non-robust patch;
  3. prints them beside the same quantities measured on the project's exported W (the engine's run),
     and the largest relative difference between the two weight matrices.
The predicate (Proofs page): train acc = 1, test acc ≥ 0.95, min_i ρ_v/ρ_u ≥ 2, erased robust acc ≤ 0.5
(and PGD robust acc ≤ 0.5, which this replication does not re-run: the engine measures 0.0 on every
seed at ε = β, the impossibility bound of Proofs/adversarial-training.md).

    python3 Benchmarks/reference/at_standard_training_replication.py DIR [DIR …]

Exit 1 when numpy's weights differ from the engine's by more than 1e-9 relative, or the two disagree
on a seed's verdict.

Making the DIRs (standard scale, seed S; the claim's config: at-small with β = 0.5, n = 200,
200 test points, 300 steps):
    theorycheck train --preset at-small --set data.beta.lower=0.5 --set data.beta.upper=0.5 \
        --set data.trainSamples=200 --set data.testSamples=200 --set optimizer.steps=300 \
        --set optimizer.probeEvery=300 --seed S --out DIR
"""
import json
import sys

import numpy as np


def smoothed_relu(z, q, rho):
    """sReLU(z) = 0 (z ≤ 0), z^q/(q ρ^{q−1}) (0 ≤ z ≤ ρ), z − (1 − 1/q)ρ (z ≥ ρ), and its derivative."""
    inner = np.clip(z, 0, rho)
    value = np.where(z >= rho, z - (1 - 1 / q) * rho, inner ** q / (q * rho ** (q - 1)))
    slope = np.where(z >= rho, 1.0, inner ** (q - 1) / rho ** (q - 1))
    return value, slope


def logits(X, W, owner, scale, q, rho, d):
    """F (n × k) and the pre-activations Z (n × P × m) of patch data X (n × P·d)."""
    n = X.shape[0]
    patches = X.reshape(n, -1, d)
    Z = patches @ W.T                               # n × P × m
    value, slope = smoothed_relu(Z, q, rho)
    per_neuron = scale * value.sum(axis=1)          # n × m
    k = owner.max() + 1
    F = np.zeros((n, k))
    for r in range(W.shape[0]):
        F[:, owner[r]] += per_neuron[:, r]
    return F, Z, slope, patches


def train(X, y, W, owner, scale, q, rho, d, lr, steps):
    n = X.shape[0]
    for _ in range(steps):
        F, Z, slope, patches = logits(X, W, owner, scale, q, rho, d)
        F = F - F.max(axis=1, keepdims=True)
        p = np.exp(F) / np.exp(F).sum(axis=1, keepdims=True)
        p[np.arange(n), y] -= 1                     # ∂(mean CE)/∂F, times n
        dF = p / n
        # ∂L/∂w_r = Σ_i Σ_p dF[i, owner r]·scale·sReLU′(z_ipr)·x_ip
        coefficient = dF[:, owner][:, None, :] * scale * slope   # n × P × m
        grad = np.einsum("npm,npd->md", coefficient, patches)
        W = W - lr * grad
    return W


def measure(W, data, config):
    net, d_cfg = config["network"], config["data"]
    d = d_cfg["dimension"]
    act = net["activation"]
    q, rho = act["q"], act["rho"]
    owner, scale = data["neuron_output"].astype(int), data["a"]
    assert np.all(scale == scale[0]), "a fixed second layer, one scale"
    scale = scale[0]
    out = {}
    for name in ("train", "test"):
        F, *_ = logits(data[f"X_{name}"], W, owner, scale, q, rho, d)
        out[f"{name}Accuracy"] = float(np.mean(F.argmax(axis=1) == data[f"y_{name}"]))
    u = data["robust_features"] / np.linalg.norm(data["robust_features"], axis=1, keepdims=True)
    v = data["nonrobust_features"] / np.linalg.norm(data["nonrobust_features"], axis=1, keepdims=True)
    k = u.shape[0]
    rho_u = np.array([max(W[r] @ u[i] for r in range(W.shape[0]) if owner[r] == i) for i in range(k)])
    rho_v = np.array([max(W[r] @ v[i] for r in range(W.shape[0]) if owner[r] == i) for i in range(k)])
    out["minNonRobustOverRobust"] = float(np.min(np.where(rho_u > 0, rho_v / np.where(rho_u > 0, rho_u, 1), np.inf)))
    # Erasure: x_p ← x_p − β·v_y on the non-robust patches (the patches after the robust ones).
    beta = d_cfg["beta"]["upper"]
    X, y = data["X_test"].copy(), data["y_test"]
    n = X.shape[0]
    patches = X.reshape(n, -1, d)
    R = d_cfg["robustPatches"]
    patches[:, R:R + d_cfg["nonRobustPatches"], :] -= beta * data["nonrobust_features"][y][:, None, :]
    F, *_ = logits(patches.reshape(n, -1), W, owner, scale, q, rho, d)
    out["robustAccuracyErased"] = float(np.mean(F.argmax(axis=1) == y))
    out["satisfiedWithoutPGD"] = bool(out["trainAccuracy"] == 1 and out["testAccuracy"] >= 0.95
                                      and out["minNonRobustOverRobust"] >= 2 and out["robustAccuracyErased"] <= 0.5)
    return out


def main():
    rows = []
    for directory in sys.argv[1:]:
        names = ["X_train", "y_train", "X_test", "y_test", "W_init", "W", "a", "neuron_output", "robust_features", "nonrobust_features"]
        data = {name: np.load(f"{directory}/{name}.npy") for name in names}
        with open(f"{directory}/config.json") as f:
            config = json.load(f)
        act, opt = config["network"]["activation"], config["optimizer"]
        assert act["kind"] == "smoothed-relu" and config["loss"] == "cross-entropy" and not config["network"]["trainBiases"]
        W = train(data["X_train"], data["y_train"], data["W_init"], data["neuron_output"].astype(int), data["a"][0],
                  act["q"], act["rho"], config["data"]["dimension"], opt["learningRate"], opt["steps"])
        ours, engine = measure(W, data, config), measure(data["W"], data, config)
        difference = float(np.max(np.abs(W - data["W"])) / np.max(np.abs(data["W"])))
        rows.append((config["seed"], ours, engine, difference))
        print(f"seed {config['seed']}: max relative |W_numpy − W_engine| = {difference:.2e}")
        for key in ours:
            print(f"    {key:26s} numpy {ours[key]!s:>22}   engine {engine[key]!s:>22}")
    agree = sum(o["satisfiedWithoutPGD"] == e["satisfiedWithoutPGD"] for _, o, e, _ in rows)
    held = sum(o["satisfiedWithoutPGD"] for _, o, _, _ in rows)
    print(f"{len(rows)} seeds: predicate (without PGD) holds on {held} by numpy's own training; "
          f"numpy and engine weights agree on the verdict of {agree}/{len(rows)}")
    worst = max(difference for *_, difference in rows)
    print(f"largest relative weight difference {worst:.2e} (tolerance 1e-9)")
    sys.exit(0 if agree == len(rows) and worst <= 1e-9 else 1)


if __name__ == "__main__":
    main()
