"""fa-paper end to end, side by side in one run: TheoryCheck through its command line (as a user runs
it), TheoryCheck in one process, PyTorch on the CPU (float64 and float32) and NumPy.

The work (each path): the fa-paper data (d = 3072, k = 10, 1000 + 1000 points), both nets (binary and
per-cluster) trained by 100 full-batch GD steps, and both robust-accuracy curves at the radii
0, 2, …, 46 under the official protocol on the 1000 test points.

- CLI: `theorycheck train --preset fa-paper,fa-paper-cluster --out DIR` (one sample of the data and
  one Gram matrix for both nets, the two trained side by side), then `theorycheck robustness --run
  DIR/P --attack fa-paper --radii 0:46:2` for each preset (three processes; the curves' attack
  breaks are confirmed in exact arithmetic). Also timed: one `train` per preset (four processes).
  Wall time, best of `--repetitions`; `train` gets `--threads`, `robustness` uses every core.
  The command line against the in-process path: the median over the repetitions of each one's
  ratio (its command-line run over its in-process run, taken one after the other), which the
  machine's drifting speed moves far less than best against best.
- in-process: `engine-benchmarks 1 fa-paper-ours`, the same work and the same numbers in one process
  (the same presets, attack key and exact confirmation of the breaks; best of 3 inside), one such
  process per repetition, interleaved with the command line's runs; `engine-benchmarks 1 fa-paper`
  once more gives the NumPy column. The script stops unless every path's two curves are equal
  point for point.
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


def cli_seconds(binary, threads, together=True):
    """Wall time of the user's commands, and the two curves they wrote. `together`: both presets
    trained by one `train --preset fa-paper,fa-paper-cluster` (one sample of the data, one Gram
    matrix); else one `train` per preset."""
    work = tempfile.mkdtemp(prefix="fa-side-by-side-")
    presets = ["fa-paper", "fa-paper-cluster"]
    try:
        start = time.perf_counter()
        if together:
            subprocess.run([binary, "train", "--preset", ",".join(presets), "--out", work, "--threads", str(threads)],
                           check=True, stdout=subprocess.DEVNULL)
        for preset in presets:
            run = os.path.join(work, preset)
            if not together:
                subprocess.run([binary, "train", "--preset", preset, "--out", run, "--threads", str(threads)],
                               check=True, stdout=subprocess.DEVNULL)
            subprocess.run([binary, "robustness", "--run", run, "--attack", "fa-paper", "--radii", "0:46:2"],
                           check=True, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        curves, critical = [], {}
        for preset in presets:
            with open(os.path.join(work, preset, "robustness.json")) as f:
                curve = json.load(f)["curves"][0]
            curves.append(curve["robustAccuracy"])
            critical[preset] = curve["criticalRadius"]
        return seconds, critical, curves
    finally:
        shutil.rmtree(work)


def in_process(build, reference=False):
    """`engine-benchmarks 1 fa-paper-ours` (best of 3 in one process) and the curves; with
    `reference`, `engine-benchmarks 1 fa-paper`, whose row also holds the NumPy seconds."""
    out = subprocess.run([os.path.join(build, "engine-benchmarks"), "1", "fa-paper" if reference else "fa-paper-ours"],
                         check=True, capture_output=True, text=True).stdout
    curves = json.loads(next(line for line in out.splitlines() if line.startswith("fa-paper robust accuracy")).split(": ", 1)[1])
    if not reference:
        return float(next(line for line in out.splitlines() if line.startswith("fa-paper in one process")).split(": ")[1].split()[0]), curves
    row = next(line for line in out.splitlines() if line.startswith("| d = 3072"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    numpy = float(cells[2].split()[0]) if cells[2] != "—" else None
    return float(cells[1].split()[0]), numpy, curves


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
    # The three paths of ours interleaved, one repetition of each in turn (the machine's speed drifts).
    cli, separate, inside = [], [], []
    for _ in range(args.repetitions):
        cli.append(cli_seconds(binary, args.threads))
        separate.append(cli_seconds(binary, args.threads, together=False))
        inside.append(in_process(args.build))
    inproc, inproc_curves = min(s for s, _ in inside), inside[0][1]
    _, numpy, _ = in_process(args.build, reference=True)
    # The same numbers on every path of ours: both curves, point for point.
    for curves in [c for _, _, c in cli + separate] + [c for _, c in inside]:
        if curves != inproc_curves:
            sys.exit(f"the command line's curves differ from the in-process ones:\n{curves}\n{inproc_curves}")
    f64 = torch_seconds("float64", args.threads)
    f32 = torch_seconds("float32", args.threads)
    best_cli = min(s for s, _, _ in cli)
    best_separate = min(s for s, _, _ in separate)
    # Each repetition's command-line run against the in-process run beside it (the same phase of the
    # machine's drifting speed): the median of these ratios, robust where best against best is not.
    paired = sorted(c / i for (c, _, _), (i, _) in zip(cli, inside))
    paired_median = (paired[(len(paired) - 1) // 2] + paired[len(paired) // 2]) / 2
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    record = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "commit": commit,
        "machine": f"{os.cpu_count()} CPUs", "threads": args.threads,
        "cliSeconds": [round(s, 3) for s, _, _ in cli], "cliCritical": cli[0][1],
        "cliOnePresetPerTrainSeconds": [round(s, 3) for s, _, _ in separate],
        "sameCurves": True, "curves": inproc_curves,
        "inProcessSeconds": inproc, "inProcessRuns": [s for s, _ in inside], "numpySeconds": numpy,
        "cliOverInProcessPaired": [round(r, 3) for r in paired], "cliOverInProcessMedian": round(paired_median, 3),
        "torchFloat64Seconds": round(f64["seconds"], 3), "torchFloat32Seconds": round(f32["seconds"], 3), "torch": f64["torch"],
        "command": "python3 Benchmarks/reference/fa_paper_side_by_side.py " + " ".join(sys.argv[1:]),
    }
    print("| path | seconds | PyTorch f64 / path | PyTorch f32 / path |")
    print("|---|---|---|---|")
    for name, s in [("TheoryCheck CLI (one train for both presets, two robustness)", best_cli),
                    ("TheoryCheck CLI (one train per preset)", best_separate), ("TheoryCheck in one process", inproc),
                    ("NumPy", numpy), ("PyTorch float64", f64["seconds"]), ("PyTorch float32", f32["seconds"])]:
        if s is None:
            continue
        print(f"| {name} | {s:.3f} | {f64['seconds'] / s:.1f}× | {f32['seconds'] / s:.1f}× |")
    print(f"CLI / in-process: {paired_median:.2f}× the median of the repetitions' paired ratios ({', '.join(f'{r:.2f}' for r in paired)}); "
          f"best against best {best_cli / inproc:.2f}× (CLI runs {', '.join(f'{s:.3f}' for s, _, _ in cli)} s); the curves are the same on every path")
    print(json.dumps(record))
    if args.record:
        with open(args.record, "w") as f:
            json.dump(record, f, indent=2, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()
