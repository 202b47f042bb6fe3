"""Exploration (not a verdict) of AT.phaseTransition's phase diagram along the two axes the claim's
own grid (clean weight × ε/β, report.html) does not move: the initialisation scale σ_w and the
training attack's number of PGD steps, around the claim's confirmatory setting (at-phase with c = 0
and ε = 2β; Proofs/claims/AT.phaseTransition.md). Each cell trains `seeds` engine runs with
`theorycheck train` and reads their exported history through the detector of
at_phase_transition_replication.py (written from the claim's page), so it reports per cell the
mean fraction of classes with Phase I, with Phase II, ending robust and where ρ_v stops, and the
fraction of seeds satisfying the predicate.

    python3 Benchmarks/reference/at_phase_grid.py THEORYCHECK_BINARY OUTDIR [--seeds 1 2 3]
"""
import argparse
import json
import os
import subprocess

from at_phase_transition_replication import detector, engine_history

INIT_STDS = [0.003, 0.01, 0.03]      # at-phase: 0.01
ATTACK_STEPS = [1, 5, 10]            # at-phase: 5 (step size 0.4ε; 1 step of 0.4ε cannot reach the ε-ball's boundary, so 1 step uses 1.0ε)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("out")
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3])
    arguments = parser.parse_args()
    rows = []
    for std in INIT_STDS:
        for steps in ATTACK_STEPS:
            outcomes = []
            for seed in arguments.seeds:
                directory = os.path.join(arguments.out, f"init{std}-steps{steps}-seed{seed}")
                if not os.path.exists(os.path.join(directory, "history.json")):
                    subprocess.run([arguments.binary, "train", "--preset", "at-phase", "--seed", str(seed), "--out", directory,
                                    "--set", "adversarialTraining.cleanWeight=0", "--set", "adversarialTraining.epsilon=1",
                                    "--set", "robustness.epsilon=1", "--set", f"network.weightInitStd={std}",
                                    "--set", f"adversarialTraining.attack.steps={steps}",
                                    "--set", f"adversarialTraining.attack.stepSizeFactor={1.0 if steps == 1 else 0.4}"],
                                   check=True, stdout=subprocess.DEVNULL)
                with open(os.path.join(directory, "config.json")) as f:
                    config = json.load(f)
                k = config["data"]["classes"]
                v_learned = config["network"]["activation"]["rho"] / config["data"]["beta"]["upper"]
                outcomes.append(detector(engine_history(directory), k, v_learned))
            mean = lambda key: sum(o[key] for o in outcomes) / (k * len(outcomes))
            row = {"weightInitStd": std, "attackSteps": steps, "seeds": len(outcomes),
                   "phaseI": mean("classesWithPhaseI"), "phaseII": mean("classesWithPhaseII"),
                   "endsRobust": mean("classesEndingRobust"), "vStops": mean("classesWhereVStops"),
                   "satisfied": sum(o["satisfied"] for o in outcomes) / len(outcomes),
                   "tStar": [o["tStar"] for o in outcomes]}
            rows.append(row)
            print(json.dumps(row), flush=True)
    print("| σ_w \\ attack steps | " + " | ".join(str(s) for s in ATTACK_STEPS) + " |")
    print("|---|" + "---|" * len(ATTACK_STEPS))
    for std in INIT_STDS:
        cells = [r for r in rows if r["weightInitStd"] == std]
        print(f"| {std} | " + " | ".join(f"{r['phaseI']:.2f} / {r['phaseII']:.2f} / {r['satisfied']:.2f}" for r in cells) + " |")


if __name__ == "__main__":
    main()
