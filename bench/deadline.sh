#!/usr/bin/env bash
# Bounds: 1,000 hanging targets with `timeout: 1s` (how long past 1 s does a run end?),
# and the same with `--deadline 2s` (how far past the bound does the process end?).
#
#   bench/deadline.sh [ROUNDS]      (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
rounds=${1:-3}
start_simulator
file=$(probes_file 1000 "$simulator/hang" "{attempts: 1, timeout: 1s}")

: > "$work/timeout.txt"
: > "$work/deadline.txt"
for _ in $(seq "$rounds"); do
    measure "$canary" run "$file" --concurrency 1000 --format json >> "$work/timeout.txt"
    measure "$canary" run "$file" --concurrency 100 --deadline 2s --format json >> "$work/deadline.txt"
done
"$canary" run "$file" --concurrency 1000 --format json > "$work/timeout.json" || true
longest=$(python3 -c '
import json, sys
print(max(a["timings"]["total"] for line in open(sys.argv[1]) for a in json.loads(line)["attempts"]))' "$work/timeout.json")
printf '1,000 hanging targets, median of %d rounds\n' "$rounds"
printf 'timeout 1s, concurrency 1000: process %ss wall; longest attempt %ss (libcurl)\n' \
    "$(cut -d' ' -f1 "$work/timeout.txt" | median)" "$longest"
printf -- '--deadline 2s, concurrency 100: process %ss wall (%s past the bound)\n' \
    "$(cut -d' ' -f1 "$work/deadline.txt" | median)" \
    "$(awk -v w="$(cut -d' ' -f1 "$work/deadline.txt" | median)" 'BEGIN { printf "%.0f ms", (w - 2) * 1000 }')"
