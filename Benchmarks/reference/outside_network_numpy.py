#!/usr/bin/env python3
"""A two-layer ReLU network made in NumPy, evaluated by TheoryCheck (issue 20, "bring your own network").

    python3 outside_network_numpy.py write DIR     # data + network as .npy files
    python3 outside_network_numpy.py check DIR ROBUSTNESS_JSON

`write`: the shipped digits (pixels / 16), rows 0–1199 for training and 1200–1796 for testing, as
X_train.npy / y_train.npy / X_test.npy / y_test.npy; a network F(x) = A·ReLU(W·x + b) with W (64 × 64)
and b drawn N(0, 1) (seed 0) and A (10 × 64, float32, PyTorch's Linear layout) the least-squares readout
of one-hot labels — a dense second layer, as trained elsewhere. `check`: TheoryCheck's robust accuracy
at radius 0 (its clean accuracy of the same network on the same test set) must equal NumPy's.
"""
import gzip
import json
import os
import sys

import numpy as np


def digits():
    here = os.path.dirname(os.path.abspath(__file__))
    rows = np.loadtxt(gzip.open(os.path.join(here, "..", "..", "Data", "digits", "digits.csv.gz")), delimiter=",")
    return rows[:, :-1] / 16.0, rows[:, -1].astype(np.int64)


def network_accuracy(d):
    w, b, a = np.load(d + "/W.npy"), np.load(d + "/b.npy"), np.load(d + "/a.npy").astype(np.float64)
    x, y = np.load(d + "/X_test.npy"), np.load(d + "/y_test.npy")
    logits = np.maximum(x @ w.T + b, 0) @ a.T
    return float((logits.argmax(axis=1) == y).mean())


def main():
    mode, d = sys.argv[1], sys.argv[2]
    if mode == "write":
        os.makedirs(d, exist_ok=True)
        x, y = digits()
        rng = np.random.default_rng(0)
        w, b = rng.standard_normal((64, 64)), rng.standard_normal(64)
        h = np.maximum(x[:1200] @ w.T + b, 0)
        a = np.linalg.lstsq(h, np.eye(10)[y[:1200]], rcond=None)[0].T.astype(np.float32)
        for name, v in [("X_train", x[:1200]), ("y_train", y[:1200]), ("X_test", x[1200:]), ("y_test", y[1200:]), ("W", w), ("b", b), ("a", a)]:
            np.save(f"{d}/{name}.npy", v)
        print(json.dumps({"numpyTestAccuracy": network_accuracy(d)}))
    else:
        report = json.load(open(sys.argv[3]))
        ours = network_accuracy(d)
        for curve in report["curves"]:
            theirs = curve["robustAccuracy"][curve["radii"].index(0)]
            assert abs(theirs - ours) < 1e-12, (curve["attack"], theirs, ours)
        print(f"outside network: NumPy's test accuracy {ours:.4f} equals TheoryCheck's robust accuracy at radius 0 for "
              + ", ".join(c["attack"] for c in report["curves"]) + "; " + ", ".join(
                  f"{c['attack']} at 0.5: {c['robustAccuracy'][c['radii'].index(0.5)]:.3f}" for c in report["curves"]))


if __name__ == "__main__":
    main()
