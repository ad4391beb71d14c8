#!/usr/bin/env bash
# Timing fidelity: on simulator routes delayed by 50 ms, 200 ms and 1 s, canary's reported
# total against `curl -w '%{time_total}'` for the same route, alternating, ROUNDS each;
# and how far canary's phases are from summing to its total.
#
#   bench/fidelity.sh [ROUNDS]      (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
rounds=${1:-20}
start_simulator

printf '%-10s %14s %14s %16s %18s\n' "delay" "canary (ms)" "curl (ms)" "median |diff|" "max |phases-total|"
for ms in 50 200 1000; do
    url="$simulator/slow?ms=$ms"
    file="$work/fidelity-$ms.yaml"
    printf 'probes:\n  - name: d%s\n    url: "%s"\n    attempts: 1\n' "$ms" "$url" > "$file"
    : > "$work/pairs"
    for _ in $(seq "$rounds"); do
        canary_json=$("$canary" run "$file" --format json || true)
        curl_total=$(curl -s -o /dev/null -w '%{time_total}' "$url")
        echo "$canary_json" | python3 -c '
import json, sys
attempt = json.loads(sys.stdin.read())["attempts"][0]
t = attempt["timings"]
phases = t["resolve"] + t["connect"] + t["tls"] + t["processing"] + t["transfer"]
print(t["total"], abs(phases - t["total"]), end=" ")' >> "$work/pairs"
        echo "$curl_total" >> "$work/pairs"
    done
    python3 - "$ms" "$work/pairs" <<'PY'
import statistics, sys
ms, path = sys.argv[1], sys.argv[2]
rows = [list(map(float, line.split())) for line in open(path) if line.strip()]
canary = [r[0] for r in rows]; gap = [r[1] for r in rows]; curl = [r[2] for r in rows]
diff = [abs(a - b) for a, b in zip(canary, curl)]
print(f"{ms + ' ms':<10} {statistics.median(canary) * 1000:14.2f} {statistics.median(curl) * 1000:14.2f}"
      f" {statistics.median(diff) * 1000:13.3f} ms {max(gap) * 1000:15.4f} ms")
PY
done
