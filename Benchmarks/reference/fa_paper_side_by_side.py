"""fa-paper end to end, side by side in one run: TheoryCheck through its command line (as a user runs
it), TheoryCheck in one process, PyTorch on the CPU (float64 and float32) and NumPy.

The work (each path): the fa-paper data (d = 3072, k = 10, 1000 + 1000 points), both nets (binary and
per-cluster) trained by 100 full-batch GD steps, and both robust-accuracy curves at the radii
0, 2, …, 46 under the official protocol on the 1000 test points.

- CLI: `theorycheck train --preset P --out R` then `theorycheck robustness --run R --attack fa-paper
  --radii 0:46:2` for P = fa-paper and fa-paper-cluster (four processes; the curves' attack breaks
  are confirmed in exact arithmetic there). Wall time of the four, best of `--repetitions`; `train`
  gets `--threads`, `robustness` uses every core.
- in-process: `engine-benchmarks 1 fa-paper` (the same work in one process, the data and its Gram
  matrix shared by both nets; best of 3 inside); its own NumPy run gives the NumPy column.
- PyTorch: `fa_paper_torch.py` in float64 and float32 (autograd, `torch.set_num_threads(threads)`).

    python3 Benchmarks/reference/fa_paper_side_by_side.py [--build .build/release] [--repetitions 3]
                                                          [--threads 2] [--record Benchmarks/runs/fa-paper-side-by-side.json]

Needs `swift build -c release --product theorycheck --product engine-benchmarks` first.
"""
import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def cli_seconds(binary, threads):
    work = tempfile.mkdtemp(prefix="fa-side-by-side-")
    try:
        start = time.perf_counter()
        for preset in ["fa-paper", "fa-paper-cluster"]:
            run = os.path.join(work, preset)
            subprocess.run([binary, "train", "--preset", preset, "--out", run, "--threads", str(threads)],
                           check=True, stdout=subprocess.DEVNULL)
            subprocess.run([binary, "robustness", "--run", run, "--attack", "fa-paper", "--radii", "0:46:2"],
                           check=True, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        critical = {}
        for preset in ["fa-paper", "fa-paper-cluster"]:
            with open(os.path.join(work, preset, "robustness.json")) as f:
                critical[preset] = json.load(f)["curves"][0]["criticalRadius"]
        return seconds, critical
    finally:
        shutil.rmtree(work)


def in_process(build):
    out = subprocess.run([os.path.join(build, "engine-benchmarks"), "1", "fa-paper"], check=True, capture_output=True, text=True).stdout
    row = next(line for line in out.splitlines() if line.startswith("| d = 3072"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    ours = float(cells[1].split()[0])
    numpy = float(cells[2].split()[0]) if cells[2] != "—" else None
    return ours, numpy


def torch_seconds(dtype, threads):
    out = subprocess.run([sys.executable, os.path.join(HERE, "fa_paper_torch.py"), "time", "1", dtype, str(threads)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=".build/release")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--record")
    args = parser.parse_args()
    binary = os.path.join(args.build, "theorycheck")
    cli = [cli_seconds(binary, args.threads) for _ in range(args.repetitions)]
    inproc, numpy = in_process(args.build)
    f64 = torch_seconds("float64", args.threads)
    f32 = torch_seconds("float32", args.threads)
    best_cli = min(s for s, _ in cli)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    record = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "commit": commit,
        "machine": f"{os.cpu_count()} CPUs", "threads": args.threads,
        "cliSeconds": [round(s, 3) for s, _ in cli], "cliCritical": cli[0][1],
        "inProcessSeconds": inproc, "numpySeconds": numpy,
        "torchFloat64Seconds": round(f64["seconds"], 3), "torchFloat32Seconds": round(f32["seconds"], 3), "torch": f64["torch"],
        "command": "python3 Benchmarks/reference/fa_paper_side_by_side.py " + " ".join(sys.argv[1:]),
    }
    print("| path | seconds | PyTorch f64 / path | PyTorch f32 / path |")
    print("|---|---|---|---|")
    for name, s in [("TheoryCheck CLI (train + robustness, both presets)", best_cli), ("TheoryCheck in one process", inproc),
                    ("NumPy", numpy), ("PyTorch float64", f64["seconds"]), ("PyTorch float32", f32["seconds"])]:
        if s is None:
            continue
        print(f"| {name} | {s:.3f} | {f64['seconds'] / s:.1f}× | {f32['seconds'] / s:.1f}× |")
    print(f"CLI / in-process: {best_cli / inproc:.2f}× (CLI runs {', '.join(f'{s:.3f}' for s, _ in cli)} s)")
    print(json.dumps(record))
    if args.record:
        with open(args.record, "w") as f:
            json.dump(record, f, indent=2, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()
