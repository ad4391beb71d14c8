#!/usr/bin/env bash
# `canary watch` with many 1 s probes against the simulator for a long while: are its
# memory, open files and CPU flat? Samples RSS, file descriptors and CPU time of the
# watch process each minute and prints start against end.
#
#   bench/watch-soak.sh [PROBES] [SECONDS] [LISTEN]   (defaults: 500 600 no)
#
# With LISTEN yes, the watch also serves --listen and /metrics is scraped every 15 s.
set -euo pipefail
cd "$(dirname "$0")/.."
probes=${1:-500}
seconds=${2:-600}
listen=${3:-no}
canary=${CANARY:-.build/release/canary}
[ -x "$canary" ] || { echo "build canary first: make release" >&2; exit 2; }

work=$(mktemp -d /tmp/canary-soak.XXXXXX)
cleanup() { kill "$sim" "$watch" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$canary" simulate --listen "127.0.0.1:$port" > "$work/simulate.log" 2>&1 &
sim=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/ok" -o /dev/null && break; sleep 0.1; done

# A mix like a real probe set: mostly healthy, some slow, some failing.
{
    echo "defaults: {attempts: 1, interval: 1s, timeout: 5s}"
    echo "probes:"
    for i in $(seq "$probes"); do
        case $((i % 10)) in
            0) route="status/504" ;;
            1) route="slow?ms=50" ;;
            2) route="flaky?every=3&key=p$i" ;;
            *) route="ok" ;;
        esac
        printf '  - name: p%d\n    url: "http://127.0.0.1:%d/%s"\n' "$i" "$port" "$route"
    done
} > "$work/probes.yaml"

extra=()
if [ "$listen" = yes ]; then
    listen_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    extra=(--listen "127.0.0.1:$listen_port")
fi
"$canary" watch "$work/probes.yaml" --concurrency 100 --quiet "${extra[@]}" \
    --textfile "$work/canary.prom" --state "$work/state.json" > /dev/null 2> "$work/watch.log" &
watch=$!
if [ "$listen" = yes ]; then
    ( while kill -0 "$watch" 2> /dev/null; do
        curl -s "http://127.0.0.1:$listen_port/metrics" -o /dev/null || true
        sleep 15
    done ) &
fi

sample() { # elapsed rss_kib fds cpu_seconds
    local rss fds ticks
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$watch/status")
    fds=$(ls "/proc/$watch/fd" | wc -l)
    ticks=$(awk '{print $14 + $15}' "/proc/$watch/stat")
    printf '%6d %10d %6d %10.2f\n' "$1" "$rss" "$fds" "$(awk -v t="$ticks" -v h="$(getconf CLK_TCK)" 'BEGIN {print t / h}')"
}

sleep 10
echo "canary watch: $probes probes at 1 s intervals, concurrency 100, sampled every 60 s"
printf '%6s %10s %6s %10s\n' "t (s)" "RSS (KiB)" "fds" "CPU (s)"
start=$(date +%s)
sample 10 | tee "$work/first"
while [ $(( $(date +%s) - start )) -lt "$((seconds - 10))" ]; do
    sleep 60
    sample $(( $(date +%s) - start + 10 ))
done | tee "$work/rest"
last=$(tail -1 "$work/rest")
runs=$(grep -c '' "$work/canary.prom" || true)
read -r _ rss0 fd0 cpu0 < "$work/first"
read -r t1 rss1 fd1 cpu1 <<< "$last"
awk -v r0="$rss0" -v r1="$rss1" -v f0="$fd0" -v f1="$fd1" -v c0="$cpu0" -v c1="$cpu1" -v t="$t1" 'BEGIN {
    printf "RSS %d -> %d KiB (%+.1f%%), fds %d -> %d, CPU %.1f%% of one core over the run\n",
        r0, r1, (r1 - r0) * 100 / r0, f0, f1, (c1 - c0) * 100 / (t - 10) }'
echo "textfile: $runs lines; watch stderr: $(wc -l < "$work/watch.log") lines"
