#!/usr/bin/env bash
# Leak check of the Exact layer under valgrind: builds the single-threaded driver
# Tests/ExactLeakCheck (every public operation, every throwing path) and fails unless valgrind
# reports 0 definitely-lost bytes and no memory errors in it.
#     bash Scripts/valgrind-exact.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind not installed (apt-get install valgrind)"; exit 2; }
swift build --product exact-leakcheck >/dev/null
log=$(mktemp)
status=0
valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=3 \
    .build/debug/exact-leakcheck >"$log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
    cat "$log"
    echo "valgrind-exact: memory errors or definite leaks (valgrind exit $status)"
    exit 1
fi
grep -E "exact-leakcheck:|definitely lost|indirectly lost|ERROR SUMMARY" "$log"
grep -q "definitely lost: 0 bytes" "$log" || { echo "definite leaks found"; exit 1; }
