"""NumPy re-implementation of TheoryCheck's two-layer GD, for replay and timing.

Covers every model of the engine: F_o(X) = sum_{r: out(r)=o} a_r sum_p act(<w_r, x_p> + b_r), with
act = ReLU (act'(0) = 0), the smoothed ReLU (q, rho) or the identity, and P patches per sample.

    python3 Benchmarks/reference/fa_gd_numpy.py replay DIR   # replay the run exported in DIR
    python3 Benchmarks/reference/fa_gd_numpy.py time DIR     # time the same GD steps in numpy

DIR is the output of `theorycheck train --out DIR`. `replay` starts from W_init.npy / b_init.npy,
runs config.optimizer.steps full-batch GD steps with the exported data, second layer (a.npy,
neuron_output.npy) and loss, and reports the largest relative difference to W.npy / b.npy
(exit 1 if it exceeds the tolerance, default 1e-12). ReLU'(0) = 0, as in TheoryCheck.
"""
import json
import sys
import time

import numpy as np


def load(directory):
    arrays = {name: np.load(f"{directory}/{name}.npy") for name in
              ["X_train", "y_train", "W_init", "b_init", "W", "b", "a", "neuron_output"]}
    with open(f"{directory}/config.json") as f:
        config = json.load(f)
    return arrays, config


def head_matrix(a, neuron_output):
    """A[r, o] = a_r if neuron r feeds output o: F = ReLU(Z) @ A."""
    outputs = int(neuron_output.max()) + 1
    A = np.zeros((a.shape[0], outputs))
    A[np.arange(a.shape[0]), neuron_output] = a
    return A


def logit_gradient(F, y, loss):
    """d(mean loss)/dF."""
    n = F.shape[0]
    if loss == "logistic":
        m = y * F[:, 0]
        s = np.where(m >= 0, np.exp(-np.abs(m)) / (1 + np.exp(-np.abs(m))), 1 / (1 + np.exp(-np.abs(m))))
        return (-y * s)[:, None] / n
    if loss == "cross-entropy":
        e = np.exp(F - F.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        p[np.arange(n), y] -= 1
        return p / n
    if loss == "squared":
        t = y[:, None].astype(float) if F.shape[1] == 1 else np.eye(F.shape[1])[y]
        return (F - t) / n
    raise ValueError(loss)


def activation(kind, q, rho):
    """(act, act') as numpy functions."""
    if kind == "relu":
        return (lambda z: np.maximum(z, 0)), (lambda z: (z > 0).astype(float))
    if kind == "identity":
        return (lambda z: z), (lambda z: np.ones_like(z))
    def value(z):
        zc = np.clip(z, 0, rho)
        return np.where(z >= rho, z - (1 - 1 / q) * rho, zc ** q / (q * rho ** (q - 1)))
    def slope(z):
        return np.where(z <= 0, 0.0, np.where(z >= rho, 1.0, (np.clip(z, 0, rho) / rho) ** (q - 1)))
    return value, slope


def gd(X, y, W, b, A, loss, lr, steps, train_biases=True, act=("relu", 3, 1.0)):
    n, d = X.shape[0], W.shape[1]
    P = X.shape[1] // d
    Xp = X.reshape(n * P, d)  # one patch per row
    value, slope = activation(*act)
    for _ in range(steps):
        Z = Xp @ W.T + b
        F = (value(Z) @ A).reshape(n, P, -1).sum(axis=1)
        G = np.repeat(logit_gradient(F, y, loss), P, axis=0)
        dZ = (G @ A.T) * slope(Z)
        W = W - lr * (dZ.T @ Xp)
        if train_biases:
            b = b - lr * dZ.sum(axis=0)
    return W, b


def main():
    mode, directory = sys.argv[1], sys.argv[2]
    tolerance = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-12
    d, config = load(directory)
    A = head_matrix(d["a"], d["neuron_output"])
    opt = config["optimizer"]
    act = config["network"]["activation"]
    args = (d["X_train"], d["y_train"], d["W_init"], d["b_init"], A, config["loss"], opt["learningRate"], opt["steps"],
            config["network"]["trainBiases"], (act["kind"], act["q"], act["rho"]))
    if mode == "replay":
        W, b = gd(*args)
        err_w = np.max(np.abs(W - d["W"])) / np.max(np.abs(d["W"]))
        err_b = np.max(np.abs(b - d["b"])) / max(np.max(np.abs(d["b"])), 1e-300)
        print(f"replay of {opt['steps']} GD step(s): max relative difference W {err_w:.3e}, b {err_b:.3e}")
        sys.exit(0 if max(err_w, err_b) <= tolerance else 1)
    if mode == "time":
        best = min(timed(gd, args) for _ in range(3))
        print(f"numpy GD, {opt['steps']} steps: {best:.4f} s (best of 3)")
        print(json.dumps({"seconds": best}))


def timed(f, args):
    start = time.perf_counter()
    f(*args)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
