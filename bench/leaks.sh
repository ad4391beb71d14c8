#!/usr/bin/env bash
# Leak check: valgrind's memcheck over a 100-probe run that includes the hostile routes.
# valgrind cannot read the DWARF this toolchain writes, so it checks a copy of the release
# binary without debug info (symbols stay).
#
#   bench/leaks.sh            (needs valgrind; make bench does not run it: it takes minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
command -v valgrind > /dev/null || { echo "install valgrind first" >&2; exit 2; }
start_simulator
routes=(ok spa blank empty error-page status/504 status/503 status/429 "slow?ms=50" hang reset endless
    "huge?bytes=100000000" gzip-bomb deflate-bomb "trickle?bytes=100&interval_ms=10" header-flood long-header
    malformed http09 bad-chunked reset-mid-body "redirect?to=ftp://127.0.0.1/x" redirect-loop huge-location binary)
{
    echo "defaults: {attempts: 1, timeout: 5s, max_body_bytes: 1MiB}"
    echo "probes:"
    for i in $(seq 100); do
        printf '  - name: p%d\n    url: "%s/%s"\n' "$i" "$simulator" "${routes[$(( (i - 1) % ${#routes[@]} ))]}"
    done
} > "$work/leaks.yaml"
objcopy --strip-debug "$canary" "$work/canary"
valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 \
    "$work/canary" run "$work/leaks.yaml" --concurrency 20 --format json > /dev/null 2> "$work/valgrind.txt" || status=$?
sed -n '/LEAK SUMMARY/,/suppressed/p' "$work/valgrind.txt"
echo "canary exit status under valgrind: ${status:-0} (2: some probes CRITICAL, as built; 9: a definite leak)"
