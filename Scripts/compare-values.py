#!/usr/bin/env python3
"""Compares what two `theorycheck verify --out` runs found, claim by claim: every verdict, trial
value, measurement, interval, fit and series of report.json must be equal (no tolerance). Masked:
the fields that record time and machine, and each trial's config text (so runs whose settings
differ only in what they record, e.g. `probeEvery`, can be compared).
Usage: compare-values.py DIR_A DIR_B   (exit 0: the same numbers; 1: a difference, printed)."""
import json, sys, pathlib

MASKED = {"startedAt", "seconds", "operatingSystem", "processors", "threads", "gitCommit", "config"}

def strip(value):
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in MASKED}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value

def differences(x, y, path, found):
    if type(x) != type(y):
        found.append(f"{path}: {x!r} vs {y!r}")
    elif isinstance(x, dict):
        for key in sorted(set(x) | set(y)):
            if key not in x or key not in y:
                found.append(f"{path}/{key}: only in the {'first' if key in x else 'second'}")
            else:
                differences(x[key], y[key], f"{path}/{key}", found)
    elif isinstance(x, list):
        if len(x) != len(y):
            found.append(f"{path}: {len(x)} vs {len(y)} entries")
        else:
            for i, (u, v) in enumerate(zip(x, y)):
                differences(u, v, f"{path}[{i}]", found)
    elif x != y:
        found.append(f"{path}: {x!r} vs {y!r}")

def main(a, b):
    claims = [{c["id"]: c for c in json.loads((pathlib.Path(d) / "report.json").read_text())["claims"]} for d in (a, b)]
    same = set(claims[0]) == set(claims[1])
    if not same:
        print(f"claims only in one run: {sorted(set(claims[0]) ^ set(claims[1]))}")
    for claim in sorted(set(claims[0]) & set(claims[1])):
        found = []
        differences(strip(claims[0][claim]), strip(claims[1][claim]), "", found)
        verdicts = claims[0][claim]["result"]["verdict"], claims[1][claim]["result"]["verdict"]
        print(f"{claim}: {verdicts[0]} / {verdicts[1]}: " + ("the same numbers" if not found else f"{len(found)} differences, first: {found[:3]}"))
        same = same and not found
    return 0 if same else 1

if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
