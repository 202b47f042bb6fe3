"""NumPy re-implementation of TheoryCheck's adversarial training on patch data (the at-phase preset),
for replay and timing.

Every step: the attack (PGD in the run's threat model: `steps` ℓ2 steps of stepSizeFactor·ε on the
training loss, from the clean point, each patch's step projected onto the span of the chosen
features and normalised per patch, each patch projected back onto its ε-ball; the last iterate
kept), then one GD step on c·L(clean) + (1 − c)·L(adversarial), c = cleanWeight. Steps before
`startStep` are clean GD.

    python3 Benchmarks/reference/at_phase_numpy.py replay DIR [tolerance]
    python3 Benchmarks/reference/at_phase_numpy.py time DIR

DIR is the output of `theorycheck train --preset at-phase --out DIR` (any steps). `replay` starts
from W_init.npy and reports the largest relative difference of its final W to W.npy (exit 1 above
the tolerance, default 1e-9: the attack normalises per patch, so rounding differences are not
amplified over a few hundred steps, but they are not bit-identical either).
"""
import json
import sys
import time

import numpy as np

from fa_gd_numpy import activation, head_matrix, logit_gradient


def load(directory):
    names = ["X_train", "y_train", "W_init", "W", "a", "neuron_output", "robust_features", "nonrobust_features"]
    arrays = {name: np.load(f"{directory}/{name}.npy") for name in names}
    with open(f"{directory}/config.json") as f:
        config = json.load(f)
    return arrays, config


def forward_backward(Xp, n, P, W, A, y, loss, value, slope):
    """(dZ, per-row pre-activations): dZ = d(mean loss)/dZ for the patch rows Xp (n·P × d)."""
    Z = Xp @ W.T
    F = (value(Z) @ A).reshape(n, P, -1).sum(axis=1)
    G = np.repeat(logit_gradient(F, y, loss), P, axis=0)
    return (G @ A.T) * slope(Z)


def attack(Xp, n, P, W, A, y, loss, value, slope, epsilon, attack_config, basis):
    """The attack's last iterate (rows = patches)."""
    alpha = attack_config["stepSizeFactor"] * epsilon
    delta = np.zeros_like(Xp)
    for _ in range(attack_config["steps"]):
        g = forward_backward(Xp + delta, n, P, W, A, y, loss, value, slope) @ W  # d loss / d x, per patch row
        if basis is not None:
            g = (g @ basis.T) @ basis
        norms = np.sqrt((g * g).sum(axis=1, keepdims=True))
        delta = delta + np.where(norms > 0, alpha * g / np.where(norms > 0, norms, 1), 0)
        lengths = np.sqrt((delta * delta).sum(axis=1, keepdims=True))
        delta = delta * np.where(lengths > epsilon, epsilon / np.where(lengths > 0, lengths, 1), 1)
    return Xp + delta


def adversarial_training(X, y, W, A, loss, lr, steps, act, adversary, basis):
    n, d = X.shape[0], W.shape[1]
    P = X.shape[1] // d
    Xp = X.reshape(n * P, d)
    value, slope = activation(*act)
    c = adversary["cleanWeight"]
    for t in range(steps):
        if adversary["enabled"] and t >= adversary.get("startStep", 0):
            Xa = attack(Xp, n, P, W, A, y, loss, value, slope, adversary["epsilon"], adversary["attack"], basis)
            grad = (1 - c) * (forward_backward(Xa, n, P, W, A, y, loss, value, slope).T @ Xa)
            if c > 0:
                grad = grad + c * (forward_backward(Xp, n, P, W, A, y, loss, value, slope).T @ Xp)
        else:
            grad = forward_backward(Xp, n, P, W, A, y, loss, value, slope).T @ Xp
        W = W - lr * grad
    return W


def main():
    mode, directory = sys.argv[1], sys.argv[2]
    tolerance = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-9
    d, config = load(directory)
    A = head_matrix(d["a"], d["neuron_output"])
    opt, act, adversary = config["optimizer"], config["network"]["activation"], config["adversarialTraining"]
    subspace = adversary["attack"].get("subspace", "full")
    basis = {"full": None, "non-robust": d["nonrobust_features"], "robust": d["robust_features"]}[subspace]
    args = (d["X_train"], d["y_train"], d["W_init"], A, config["loss"], opt["learningRate"], opt["steps"],
            (act["kind"], act["q"], act["rho"]), adversary, basis)
    if mode == "replay":
        W = adversarial_training(*args)
        err = np.max(np.abs(W - d["W"])) / np.max(np.abs(d["W"]))
        print(f"replay of {opt['steps']} adversarial-training step(s): max relative difference W {err:.3e}")
        sys.exit(0 if err <= tolerance else 1)
    if mode == "time":
        start = time.perf_counter()
        adversarial_training(*args)
        seconds = time.perf_counter() - start
        print(f"numpy adversarial training, {opt['steps']} steps: {seconds:.3f} s")
        print(json.dumps({"seconds": seconds}))


if __name__ == "__main__":
    main()
