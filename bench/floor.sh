#!/usr/bin/env bash
# `canary run` against the floor: a C program driving libcurl's multi interface over the
# same N URLs of a local nginx, C in flight, fresh connections (bench/floor/c_multi.c),
# alternating over several rounds; medians of wall and CPU, and canary's ratios to it.
#
#   bench/floor.sh [PROBES] [CONCURRENCY] [ROUNDS]   (defaults: 10000 50 5)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
probes=${1:-10000}
concurrency=${2:-50}
rounds=${3:-5}
gcc -O2 -o "$work/c_multi" bench/floor/c_multi.c $(pkg-config --cflags --libs libcurl)

start_nginx
target="http://127.0.0.1:$nginx_port/"
file=$(probes_file "$probes" "$target")
"$work/c_multi" "$target" 10 2 > /dev/null
echo "exec $canary run $file --concurrency $concurrency --format json" > "$work/run_canary"
echo "exec $work/c_multi $target $probes $concurrency" > "$work/run_floor"
for tool in canary floor; do : > "$work/$tool.txt"; done
for _ in $(seq "$rounds"); do
    for tool in canary floor; do measure bash "$work/run_$tool" >> "$work/$tool.txt"; done
done
echo "canary run against libcurl's multi interface in C: $probes probes of nginx, concurrency $concurrency, median of $rounds rounds"
for tool in canary floor; do
    wall=$(awk '{print $1}' "$work/$tool.txt" | median)
    cpu=$(awk '{print $2}' "$work/$tool.txt" | median)
    rss=$(awk '{print $3}' "$work/$tool.txt" | median)
    echo "$wall $cpu" > "$work/$tool.median"
    printf '  %-7s wall %6.2f s  CPU %6.2f s  peak RSS %6d KiB\n' "$tool" "$wall" "$cpu" "$rss"
done
read -r cw cc < "$work/canary.median"
read -r fw fc < "$work/floor.median"
echo "  canary/floor: wall $(ratio "$cw" "$fw"), CPU $(ratio "$cc" "$fc")"
