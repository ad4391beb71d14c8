#!/usr/bin/env bash
# `/probe` of `canary watch --listen` beside blackbox_exporter's own `/probe`: the same
# targets (N URLs of a local nginx), asked by the same client (curl --parallel, C at once),
# alternating over several rounds; wall time and the exporter's CPU per probe.
#
#   bench/probe-endpoint.sh [TARGETS] [CONCURRENCY] [ROUNDS]   (defaults: 1000 50 3)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
targets=${1:-1000}
concurrency=${2:-50}
rounds=${3:-3}
blackbox=$(command -v prometheus-blackbox-exporter) || { echo "install prometheus-blackbox-exporter" >&2; exit 2; }

start_nginx
target="http://127.0.0.1:$nginx_port/"

# canary: one idle probe (a watch needs one); /probe requests may hold half of
# --concurrency, so twice the client's.
printf 'probes:\n  - {name: idle, url: "%s", interval: 24h}\n' "$target" > "$work/idle.yaml"
canary_port=$(free_port)
"$canary" watch "$work/idle.yaml" --quiet --concurrency "$((2 * concurrency))" \
    --listen "127.0.0.1:$canary_port" > /dev/null 2> "$work/canary.log" &
canary_pid=$!
pids+=("$canary_pid")
bb_port=$(free_port)
printf 'modules:\n  http_2xx:\n    prober: http\n    timeout: 10s\n' > "$work/blackbox.yml"
"$blackbox" --config.file="$work/blackbox.yml" --web.listen-address="127.0.0.1:$bb_port" > "$work/bb.log" 2>&1 &
bb_pid=$!
pids+=("$bb_pid")
wait_for "http://127.0.0.1:$canary_port/-/healthy"
wait_for "http://127.0.0.1:$bb_port/metrics"

for name in canary blackbox; do
    port=$canary_port
    [ "$name" = blackbox ] && port=$bb_port
    awk -v n="$targets" -v url="$target" -v at="http://127.0.0.1:$port" \
        'BEGIN { for (i = 1; i <= n; i++) printf "url = \"%s/probe?module=http_2xx&target=%s%%3Fi%%3D%d\"\noutput = \"/dev/null\"\n", at, url, i }' \
        > "$work/$name.cfg"
done
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.3f", ($14 + $15) / hz}' "/proc/$1/stat"; }
for name in canary blackbox; do : > "$work/$name.txt"; done
for _ in $(seq "$rounds"); do
    for name in canary blackbox; do
        pid=$canary_pid
        [ "$name" = blackbox ] && pid=$bb_pid
        before=$(cpu_of "$pid")
        start=$(date +%s.%N)
        curl --parallel --parallel-max "$concurrency" -s --no-progress-meter -w '%{http_code}\n' -K "$work/$name.cfg" \
            2> /dev/null > "$work/codes"
        end=$(date +%s.%N)
        after=$(cpu_of "$pid")
        refused=$(grep -vc '^200$' "$work/codes" || true)
        [ "$refused" -eq 0 ] || echo "  $name: $refused of $targets answers were not 200" >&2
        awk -v s="$start" -v e="$end" -v b="$before" -v a="$after" 'BEGIN { printf "%.3f %.3f\n", e - s, a - b }' >> "$work/$name.txt"
    done
done
# Every answer a probe's samples, not a refusal: one round's bodies checked.
curl -s "http://127.0.0.1:$canary_port/probe?module=http_2xx&target=$target" -o "$work/answer" || true
grep -q '^probe_success{.*} 1$' "$work/answer" || { echo "canary's /probe did not answer with probe_success 1" >&2; exit 1; }
echo "/probe: $targets targets of nginx at concurrency $concurrency, median of $rounds rounds"
for name in canary blackbox; do
    wall=$(awk '{print $1}' "$work/$name.txt" | median)
    cpu=$(awk '{print $2}' "$work/$name.txt" | median)
    echo "$wall $cpu" > "$work/$name.median"
    printf '  %-9s wall %6.2f s  exporter CPU %6.2f s  (%.3f ms per probe)\n' "$name" "$wall" "$cpu" \
        "$(awk -v c="$cpu" -v n="$targets" 'BEGIN { print c * 1000 / n }')"
done
read -r cw cc < "$work/canary.median"
read -r bw bc < "$work/blackbox.median"
echo "  canary/blackbox: wall $(ratio "$cw" "$bw"), CPU $(ratio "$cc" "$bc") (goal: CPU at most 0.5x)"
