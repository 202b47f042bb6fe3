"""PyTorch (CPU) re-implementation of the whole official Feature Averaging experiment (fa-paper), for timing.

The same experiment, shapes and protocol as `fa_paper_numpy.py` (its docstring has them): data with
d = 3072, k = 10 orthogonal features, 1000 + 1000 points; the binary net (5 neurons per sign,
logistic loss) and the per-cluster net (10 neurons, cross-entropy), W ~ N(0, (1e-5)²), b = 0,
full-batch GD with η = 0.001 for 100 steps; both robust-accuracy curves at the radii 0, 2, …, 46
under the official protocol (ℓ2 PGD, 7 steps of ε/4 on the model's own loss, random start on the
sphere, projection onto the ball; only points still robust are attacked). Written as a PyTorch user
would write it: parameters with `requires_grad`, the loss's gradient by autograd (`backward`), the
attack's input gradient by `torch.autograd.grad`.

    python3 Benchmarks/reference/fa_paper_torch.py time [repetitions] [float64|float32] [threads]

prints the critical radii (sanity: the binary net breaks near √(d/k) ≈ 17.5) and, last, a JSON line
{"seconds": best wall time, "dtype": ..., "threads": ...}.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

D, K, POSITIVE, N, TEST, STEPS, LR = 3072, 10, 5, 1000, 1000, 100, 0.001
RADII = [float(r) for r in range(0, 47, 2)]


def data(generator, dtype):
    q, _ = torch.linalg.qr(torch.randn(D, K, generator=generator, dtype=dtype))
    features = D ** 0.5 * q.T  # k × d

    def sample(n):
        clusters = torch.arange(K).repeat_interleave(n // K)
        return features[clusters] + torch.randn(n, D, generator=generator, dtype=dtype), clusters

    return sample(N), sample(TEST)


class TwoLayer(torch.nn.Module):
    """F = ReLU(X Wᵀ + b) A with the second layer A fixed."""

    def __init__(self, m, head, generator, dtype):
        super().__init__()
        self.W = torch.nn.Parameter(1e-5 * torch.randn(m, D, generator=generator, dtype=dtype))
        self.b = torch.nn.Parameter(torch.zeros(m, dtype=dtype))
        self.register_buffer("A", head)

    def forward(self, x):
        return torch.relu(x @ self.W.T + self.b) @ self.A


def loss_of(logits, target, kind):
    if kind == "logistic":  # labels ±1, one logit
        return F.softplus(-target * logits[:, 0]).mean()
    return F.cross_entropy(logits, target)


def decide(logits):
    return torch.where(logits[:, 0] > 0, 1, -1) if logits.shape[1] == 1 else logits.argmax(dim=1)


def train(model, X, y, kind):
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss_of(model(X), y, kind).backward()
        optimizer.step()


def robust_curve(model, X, y, kind, generator):
    for p in model.parameters():
        p.requires_grad_(False)
    with torch.no_grad():
        correct = decide(model(X)) == y
    curve = []
    for epsilon in RADII:
        robust = correct.clone()
        if epsilon > 0:
            alive = torch.nonzero(robust).flatten()
            x, labels = X[alive], y[alive]
            delta = torch.randn(x.shape, generator=generator, dtype=X.dtype)
            delta *= epsilon / delta.norm(dim=1, keepdim=True)
            fooled = torch.zeros(len(alive), dtype=torch.bool)
            for step in range(8):
                delta.requires_grad_(True)
                logits = model(x + delta)
                fooled |= decide(logits.detach()) != labels
                if step == 7:
                    break
                # The per-sample loss (sum, not mean): each sample's own gradient.
                (g,) = torch.autograd.grad(loss_of(logits, labels, kind) * len(alive), delta)
                with torch.no_grad():
                    norms = g.norm(dim=1, keepdim=True)
                    delta = delta + torch.where(norms > 0, 0.25 * epsilon * g / torch.where(norms > 0, norms, 1), 0)
                    lengths = delta.norm(dim=1, keepdim=True)
                    delta = delta * torch.where(lengths > epsilon, epsilon / lengths, 1)
            robust[alive[fooled]] = False
        curve.append(robust.double().mean().item())
    running = []
    for value in curve:
        running.append(min(value, running[-1]) if running else value)
    return running


def experiment(seed, dtype):
    generator = torch.Generator().manual_seed(seed)
    (X, clusters), (Xt, clusters_t) = data(generator, dtype)
    signs, signs_t = torch.where(clusters < POSITIVE, 1, -1), torch.where(clusters_t < POSITIVE, 1, -1)
    binary_head = torch.tensor([1.0] * 5 + [-1.0] * 5, dtype=dtype)[:, None]
    critical = {}
    for name, head, y, yt, kind in [
        ("binary", binary_head, signs, signs_t, "logistic"),
        ("cluster", torch.eye(K, dtype=dtype), clusters, clusters_t, "cross-entropy"),
    ]:
        model = TwoLayer(10, head, generator, dtype)
        train(model, X, y.to(dtype) if kind == "logistic" else y, kind)
        curve = robust_curve(model, Xt, yt, kind, generator)
        below = [r for r, v in zip(RADII, curve) if v <= 0.05]
        critical[name] = below[0] if below else float("inf")
    return critical


def main():
    if len(sys.argv) < 2 or sys.argv[1] != "time":
        sys.exit(__doc__)
    repetitions = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    dtype = {"float64": torch.float64, "float32": torch.float32}[sys.argv[3] if len(sys.argv) > 3 else "float64"]
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else torch.get_num_threads()
    torch.set_num_threads(threads)
    best = float("inf")
    for r in range(repetitions):
        start = time.perf_counter()
        critical = experiment(r, dtype)
        best = min(best, time.perf_counter() - start)
    print(f"PyTorch {torch.__version__} ({dtype}, {threads} threads) fa-paper end to end: {best:.2f} s (best of {repetitions}); "
          f"critical radii: binary {critical['binary']}, cluster {critical['cluster']}")
    print(json.dumps({"seconds": best, "dtype": str(dtype).replace("torch.", ""), "threads": threads, "torch": torch.__version__,
                      "critical": critical}))


if __name__ == "__main__":
    main()
