#!/usr/bin/env python3
"""Compares two `theorycheck verify --out` directories (e.g. one machine's and `theorycheck merge`'s):
every report file must be byte-identical once the fields that record time and machine are masked.
Usage: compare-reports.py DIR_A DIR_B   (exit 0: the same; 1: a difference, printed)."""
import json, re, sys, pathlib, difflib

TIME_AND_MACHINE = {"startedAt", "seconds", "operatingSystem", "processors", "threads", "gitCommit"}

def mask_json(value):
    if isinstance(value, dict):
        return {k: ("<masked>" if k in TIME_AND_MACHINE else mask_json(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_json(v) for v in value]
    return value

TEXT_MASKS = [
    (re.compile(r"\d+(\.\d+)? s\b"), "<s>"),                      # durations, "12.3 s"
    (re.compile(r'time="[^"]*"'), 'time="<s>"'),                   # junit
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"), "<date>"),    # startedAt
    (re.compile(r"\d+ threads"), "<n> threads"),
    (re.compile(r"commit (<code>|`)[0-9a-f]{12}(</code>|`)"), "commit <c>"),
]

def mask_text(text):
    for pattern, replacement in TEXT_MASKS:
        text = pattern.sub(replacement, text)
    return text

def main(a, b):
    a, b = pathlib.Path(a), pathlib.Path(b)
    names = sorted({p.name for p in a.iterdir()} | {p.name for p in b.iterdir()})
    same = True
    for name in names:
        pa, pb = a / name, b / name
        if not pa.exists() or not pb.exists():
            print(f"{name}: only in {'the first' if pa.exists() else 'the second'}")
            same = False
            continue
        ta, tb = pa.read_text(), pb.read_text()
        if name.endswith(".json"):
            ta = json.dumps(mask_json(json.loads(ta)), indent=1, sort_keys=True)
            tb = json.dumps(mask_json(json.loads(tb)), indent=1, sort_keys=True)
        else:
            ta, tb = mask_text(ta), mask_text(tb)
        if ta != tb:
            same = False
            diff = list(difflib.unified_diff(ta.splitlines(), tb.splitlines(), str(pa), str(pb), lineterm="", n=1))
            print("\n".join(line[:300] for line in diff[:40]))
        else:
            print(f"{name}: identical (time and machine fields masked)")
    return 0 if same else 1

if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
