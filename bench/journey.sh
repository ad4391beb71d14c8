#!/usr/bin/env bash
# What a journey costs per step, beside single-URL probes: N three-step journeys of a
# local nginx against 3N single-URL probes (the same requests) and N single-URL probes,
# at concurrency C, alternating in one run; medians, and CPU per request.
#
#   bench/journey.sh [JOURNEYS] [CONCURRENCY] [ROUNDS]   (defaults: 1000 50 5)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
journeys=${1:-1000}
concurrency=${2:-50}
rounds=${3:-5}

start_nginx
target="http://127.0.0.1:$nginx_port/"
singles=$(probes_file "$journeys" "$target")
triples=$(probes_file $((journeys * 3)) "$target")
steps="$work/journeys.yaml"
{
    echo "defaults: {attempts: 1, timeout: 10s}"
    echo "probes:"
    awk -v n="$journeys" -v url="$target" 'BEGIN {
        for (i = 1; i <= n; i++) {
            printf "  - name: j%d\n    steps:\n", i
            printf "      - {name: page, url: \"%s?i=%d&s=1\", capture: {title: {regex: \"<title>([^<]+)\"}}}\n", url, i
            printf "      - {name: api, url: \"%s?i=%d&s=2\", headers: {X-Title: \"${title}\"}}\n", url, i
            printf "      - {name: portal, url: \"%s?i=%d&s=3\", expect: {body_contains: [\"My Sign-Ins\"]}}\n", url, i
        }
    }'
} > "$steps"
"$canary" run "$steps" --concurrency "$concurrency" --quiet > "$work/check.txt" || {
    echo "canary reported failures against nginx:" >&2; head -5 "$work/check.txt" >&2; exit 1; }

kinds=(journeys triples singles)
declare -A files=([journeys]="$steps" [triples]="$triples" [singles]="$singles")
declare -A requests=([journeys]=$((journeys * 3)) [triples]=$((journeys * 3)) [singles]=$journeys)
for kind in "${kinds[@]}"; do
    echo "exec $canary run ${files[$kind]} --concurrency $concurrency --format json" > "$work/run_$kind"
    : > "$work/$kind.txt"
done
for _ in $(seq "$rounds"); do
    for kind in "${kinds[@]}"; do measure bash "$work/run_$kind" >> "$work/$kind.txt"; done
done

printf '%d three-step journeys of nginx at concurrency %d, median of %d rounds\n' "$journeys" "$concurrency" "$rounds"
printf '%-34s %9s %9s %10s %14s\n' "" "requests" "wall (s)" "cpu (s)" "cpu/request"
for kind in "${kinds[@]}"; do
    w=$(cut -d' ' -f1 "$work/$kind.txt" | median); c=$(cut -d' ' -f2 "$work/$kind.txt" | median)
    label=$kind
    case $kind in
        journeys) label="$journeys journeys of 3 steps" ;;
        triples) label="$((journeys * 3)) single-URL probes" ;;
        singles) label="$journeys single-URL probes" ;;
    esac
    per=$(awk -v c="$c" -v n="${requests[$kind]}" 'BEGIN { printf "%.3f ms", c * 1000 / n }')
    printf '%-34s %9s %9s %10s %14s\n' "$label" "${requests[$kind]}" "$w" "$c" "$per"
done
