#!/usr/bin/env bash
# `canary watch` at fleet scale against nginx on loopback, beside `canary run` over the
# same probes in the same session: CPU per probe run of each (and their ratio), the
# watch's RSS, how often it rewrote the textfile, and its start lag as its own
# canary_watch_* samples report it.
#
#   bench/watch-scale.sh [PROBES] [INTERVAL] [SECONDS] [MODE]   (defaults: 1000 5s 60 files)
#
# MODE: files (--textfile --state), listen (--listen alone, scraped every 5 s), or none.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
probes=${1:-1000}
interval=${2:-5s}
seconds=${3:-60}
mode=${4:-files}

start_nginx
target="http://127.0.0.1:$nginx_port/"
file=$(probes_file "$probes" "$target" "{attempts: 1, timeout: 10s, interval: $interval}")

# run: the same probes once, five times; the median CPU per probe.
for _ in 1 2 3 4 5; do
    measure "$canary" run "$file" --concurrency 50 --format json | awk -v n="$probes" '{printf "%.6f\n", $2 / n}'
done | median > "$work/run_cpu"

args=(watch "$file" --concurrency 50 --quiet)
case $mode in
    files) args+=(--textfile "$work/canary.prom" --state "$work/state.json") ;;
    listen) listen_port=$(free_port); args+=(--listen "127.0.0.1:$listen_port") ;;
    none) args+=(--textfile "$work/canary.prom" --flush-interval 3600s) ;;
esac
"$canary" "${args[@]}" > /dev/null 2> "$work/watch.log" &
watch=$!
pids+=("$watch")
ticks() { awk '{print $14 + $15}' "/proc/$watch/stat"; }
hz=$(getconf CLK_TCK)
rewrites=0
last_mtime=""
peak_rss=0
start=$(date +%s.%N)
cpu_start=$(ticks)
while awk -v s="$start" -v now="$(date +%s.%N)" -v d="$seconds" 'BEGIN { exit !(now - s < d) }'; do
    sleep 0.5
    samples=$((${samples:-0} + 1))
    if [ "$mode" = listen ] && [ $((samples % 10)) -eq 0 ]; then
        curl -s "http://127.0.0.1:$listen_port/metrics" -o "$work/scrape.prom" || true
    fi
    mtime=$(stat -c %Y.%y "$work/canary.prom" 2>/dev/null || true)
    if [ -n "$mtime" ] && [ "$mtime" != "$last_mtime" ]; then rewrites=$((rewrites + 1)); last_mtime=$mtime; fi
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$watch/status")
    [ "$rss" -gt "$peak_rss" ] && peak_rss=$rss
done
[ "$mode" = listen ] && curl -s "http://127.0.0.1:$listen_port/metrics" -o "$work/scrape.prom"
cpu=$(awk -v a="$cpu_start" -v b="$(ticks)" -v h="$hz" 'BEGIN { printf "%.2f", (b - a) / h }')
metrics="$work/canary.prom"
[ "$mode" = listen ] && metrics="$work/scrape.prom"
kill -TERM "$watch"
wait "$watch" 2>/dev/null || true
value() { awk -v m="$1" '$1 == m {print $2}' "$metrics" | head -1; }
results=$(value canary_watch_results_total)
starts=$(value canary_watch_start_lag_seconds_count)
watch_cpu=$(awk -v c="$cpu" -v r="${results:-0}" 'BEGIN { printf "%.6f", (r > 0 ? c / r : 0) }')
echo "watch ($mode): $probes probes at $interval for ${seconds}s, concurrency 50"
echo "  results: ${results:-?}  CPU: ${cpu}s  CPU per probe: $(awk -v x="$watch_cpu" 'BEGIN{printf "%.3f ms", x*1000}')"
echo "  run CPU per probe: $(awk -v x="$(cat "$work/run_cpu")" 'BEGIN{printf "%.3f ms", x*1000}')  watch/run: $(ratio "$watch_cpu" "$(cat "$work/run_cpu")")"
echo "  peak RSS: $((peak_rss / 1024)) MiB ($(awk -v r="$peak_rss" -v n="$probes" 'BEGIN{printf "%.1f", r * 1024 / n}') bytes per probe)"
echo "  textfile rewrites seen (sampled every 0.5 s): $rewrites  size: $(stat -c %s "$work/canary.prom" 2>/dev/null || echo 0) bytes"
echo "  last flush window: start lag p50 $(value 'canary_watch_start_lag_seconds{quantile="0.5"}')s" \
    "p99 $(value 'canary_watch_start_lag_seconds{quantile="0.99"}')s max $(value canary_watch_start_lag_max_seconds)s," \
    "lagging $(value canary_watch_probes_lagging), starts ${starts:-?}"
