#!/usr/bin/env bash
# Every benchmark, each side by side with its reference in the same run (release builds):
# the exact layer against C on GMP, then the engine against numpy, ending with the table of the
# targets of issues 3 and 8 (ours, reference, ratio, required, met, machine bound, fraction of bound).
#
#     bash Scripts/benchmarks.sh [exact repetitions (101)] [engine repetitions (10)]
set -euo pipefail
cd "$(dirname "$0")/.."
swift run -c release exact-benchmarks "${1:-101}"
swift run -c release engine-benchmarks "${2:-10}"
