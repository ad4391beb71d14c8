#!/usr/bin/env bash
# canary's overhead over libcurl itself: N probes of a local nginx at concurrency C,
# side by side with `curl --parallel` over the same URLs, alternating, several rounds.
# Prints the medians of wall and CPU time and canary's ratio to curl.
#
#   bench/overhead.sh [PROBES] [CONCURRENCY] [ROUNDS]      (defaults: 1000 50 5)
#
# Needs nginx, curl and GNU time (`make bench` installs them) and a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
probes=${1:-1000}
concurrency=${2:-50}
rounds=${3:-5}
canary=${CANARY:-.build/release/canary}
[ -x "$canary" ] || { echo "build canary first: make release" >&2; exit 2; }

work=$(mktemp -d /tmp/canary-bench.XXXXXX)
trap 'kill $(cat "$work/nginx.pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT

# nginx on a free loopback port, one worker, serving a small page.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/html" "$work/logs"
printf '<!doctype html><html><head><title>My Sign-Ins</title></head><body><h1>My Sign-Ins</h1><p>Security info</p></body></html>\n' > "$work/html/index.html"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/logs/error.log;
events { worker_connections 16384; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$port backlog=4096;
        root $work/html;
    }
}
CONF
nginx -p "$work" -c "$work/nginx.conf" -g "daemon on; user $(id -un);" 2>/dev/null || nginx -p "$work" -c "$work/nginx.conf"
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/" -o /dev/null && break; sleep 0.1; done

# The same URLs for both: distinct query strings, so nothing could be cached.
{
    echo "defaults: {attempts: 1, timeout: 10s}"
    echo "probes:"
    for i in $(seq "$probes"); do
        printf '  - name: p%d\n    url: http://127.0.0.1:%d/?i=%d\n' "$i" "$port" "$i"
    done
} > "$work/probes.yaml"
for i in $(seq "$probes"); do
    printf 'url = "http://127.0.0.1:%d/?i=%d"\noutput = "/dev/null"\n' "$port" "$i"
done > "$work/curl.cfg"

measure() { # prints "wall cpu" for one run of the command
    /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" > /dev/null 2>&1 || true
    awk '{printf "%s %.3f\n", $1, $2 + $3}' "$work/time"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

: > "$work/canary.txt"
: > "$work/curl.txt"
for round in $(seq "$rounds"); do
    measure "$canary" run "$work/probes.yaml" --concurrency "$concurrency" --format json >> "$work/canary.txt"
    measure curl --parallel --parallel-max "$concurrency" -H 'Connection: close' -s -K "$work/curl.cfg" >> "$work/curl.txt"
done
"$canary" run "$work/probes.yaml" --concurrency "$concurrency" --quiet > "$work/check.txt" || {
    echo "canary reported failures against nginx:" >&2; head -5 "$work/check.txt" >&2; exit 1; }

cw=$(cut -d' ' -f1 "$work/canary.txt" | median); cc=$(cut -d' ' -f2 "$work/canary.txt" | median)
uw=$(cut -d' ' -f1 "$work/curl.txt" | median); uc=$(cut -d' ' -f2 "$work/curl.txt" | median)
printf '%d probes of nginx at concurrency %d, median of %d rounds\n' "$probes" "$concurrency" "$rounds"
printf '%-28s %10s %10s\n' "" "wall (s)" "cpu (s)"
printf '%-28s %10s %10s\n' "canary run" "$cw" "$cc"
printf '%-28s %10s %10s\n' "curl --parallel" "$uw" "$uc"
awk -v a="$cw" -v b="$uw" -v c="$cc" -v d="$uc" 'BEGIN { printf "%-28s %9.2fx %9.2fx\n", "canary / curl", a / b, c / d }'
