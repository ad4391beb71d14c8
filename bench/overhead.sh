#!/usr/bin/env bash
# canary's overhead over libcurl itself, and beside its peers: N probes of a local nginx
# at concurrency C, alternating in one run, several rounds; medians and ratios to curl.
#
#   bench/overhead.sh [PROBES] [CONCURRENCY] [ROUNDS] [PEERS]   (defaults: 1000 50 5 yes)
#
# Peers (when PEERS is yes and they are installed): Debian's check_curl run once per URL
# (xargs -P C), and prometheus-blackbox-exporter asked for each URL on its /probe
# endpoint (curl --parallel, C at once; its CPU includes the exporter's). nginx's own
# CPU counts for no one.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
probes=${1:-1000}
concurrency=${2:-50}
rounds=${3:-5}
peers=${4:-yes}

start_nginx
target="http://127.0.0.1:$nginx_port/"
file=$(probes_file "$probes" "$target")
awk -v n="$probes" -v url="$target" 'BEGIN { for (i = 1; i <= n; i++) printf "url = \"%s?i=%d\"\noutput = \"/dev/null\"\n", url, i }' \
    > "$work/curl.cfg"
awk -v n="$probes" -v url="$target" 'BEGIN { for (i = 1; i <= n; i++) printf "%s?i=%d\n", url, i }' > "$work/urls.txt"

check_curl=/usr/lib/nagios/plugins/check_curl
blackbox=$(command -v prometheus-blackbox-exporter || true)
if [ "$peers" = yes ] && [ -n "$blackbox" ]; then
    bb_port=$(free_port)
    printf 'modules:\n  http_2xx:\n    prober: http\n    timeout: 10s\n' > "$work/blackbox.yml"
    "$blackbox" --config.file="$work/blackbox.yml" --web.listen-address="127.0.0.1:$bb_port" > "$work/bb.log" 2>&1 &
    bb_pid=$!
    pids+=("$bb_pid")
    wait_for "http://127.0.0.1:$bb_port/metrics"
    awk -v n="$probes" -v url="$target" -v bb="http://127.0.0.1:$bb_port" \
        'BEGIN { for (i = 1; i <= n; i++) printf "url = \"%s/probe?module=http_2xx&target=%s%%3Fi%%3D%d\"\noutput = \"/dev/null\"\n", bb, url, i }' \
        > "$work/bb.cfg"
fi

# Each contender as a script, so that GNU time measures it with its children.
echo "exec $canary run $file --concurrency $concurrency --format json" > "$work/run_canary"
echo "exec curl --parallel --parallel-max $concurrency -H 'Connection: close' -s -K $work/curl.cfg" > "$work/run_curl"
sed 's/.*?i=//' "$work/urls.txt" > "$work/ids.txt"
echo "xargs -P $concurrency -I{} $check_curl -H 127.0.0.1 -p $nginx_port -u '/?i={}' < $work/ids.txt" > "$work/run_check_curl"
echo "exec curl --parallel --parallel-max $concurrency -s -K $work/bb.cfg" > "$work/run_blackbox"

tools=(canary curl)
[ "$peers" = yes ] && [ -x "$check_curl" ] && tools+=(check_curl)
[ "$peers" = yes ] && [ -n "$blackbox" ] && tools+=(blackbox)
for tool in "${tools[@]}"; do : > "$work/$tool.txt"; done
# CPU seconds the exporter process has used so far: its share counts for blackbox.
exporter_cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.3f", ($14 + $15) / hz}' "/proc/$bb_pid/stat"; }
for _ in $(seq "$rounds"); do
    for tool in "${tools[@]}"; do
        if [ "$tool" = blackbox ]; then
            before=$(exporter_cpu)
            read -r wall cpu rss < <(measure bash "$work/run_$tool")
            after=$(exporter_cpu)
            awk -v w="$wall" -v c="$cpu" -v b="$before" -v a="$after" -v r="$rss" \
                'BEGIN { printf "%s %.3f %d\n", w, c + a - b, r }' >> "$work/$tool.txt"
        else
            measure bash "$work/run_$tool" >> "$work/$tool.txt"
        fi
    done
done
"$canary" run "$file" --concurrency "$concurrency" --quiet > "$work/check.txt" || {
    echo "canary reported failures against nginx:" >&2; head -5 "$work/check.txt" >&2; exit 1; }

printf '%d probes of nginx at concurrency %d, median of %d rounds\n' "$probes" "$concurrency" "$rounds"
printf '%-22s %9s %9s %12s %12s\n' "" "wall (s)" "cpu (s)" "wall/curl" "cpu/curl"
uw=$(cut -d' ' -f1 "$work/curl.txt" | median); uc=$(cut -d' ' -f2 "$work/curl.txt" | median)
for tool in "${tools[@]}"; do
    w=$(cut -d' ' -f1 "$work/$tool.txt" | median); c=$(cut -d' ' -f2 "$work/$tool.txt" | median)
    printf '%-22s %9s %9s %12s %12s\n' "$tool" "$w" "$c" "$(ratio "$w" "$uw")" "$(ratio "$c" "$uc")"
done
