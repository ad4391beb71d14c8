# Shared by the scripts in bench/: loopback servers, timing and medians.
# Source it after `set -euo pipefail` and `cd` to the package root.

canary=${CANARY:-.build/release/canary}
[ -x "$canary" ] || { echo "build canary first: make release" >&2; exit 2; }
work=$(mktemp -d /tmp/canary-bench.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_for() { # URL: until it answers, 5 s at most
    for _ in $(seq 50); do curl -s "$1" -o /dev/null && return 0; sleep 0.1; done
    echo "$1 did not answer" >&2
    return 1
}

# Starts nginx (one worker) on a free loopback port serving a small page; sets $nginx_port.
start_nginx() {
    nginx_port=$(free_port)
    mkdir -p "$work/html" "$work/logs"
    printf '<!doctype html><html><head><title>My Sign-Ins</title></head><body><h1>My Sign-Ins</h1><p>Security info</p></body></html>\n' \
        > "$work/html/index.html"
    cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/logs/error.log;
events { worker_connections 16384; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$nginx_port backlog=4096;
        root $work/html;
    }
}
CONF
    nginx -p "$work" -c "$work/nginx.conf" -g "daemon on; user $(id -un);" 2>/dev/null
    wait_for "http://127.0.0.1:$nginx_port/"
}

# Starts `canary simulate` on a free port; sets $simulator.
start_simulator() {
    local port
    port=$(free_port)
    "$canary" simulate --listen "127.0.0.1:$port" > "$work/simulate.log" 2>&1 &
    pids+=($!)
    simulator="http://127.0.0.1:$port"
    wait_for "$simulator/ok"
}

# probes_file N URL_PREFIX [DEFAULTS]: N probes of URL_PREFIX?i=K in a probe file; prints its path.
# Past 20,000 probes, a folder of files of 20,000 each (a probe file is limited to 4 MiB).
probes_file() {
    local target="$work/probes-$1-$RANDOM"
    local defaults=${3:-{attempts: 1, timeout: 10s\}}
    if [ "$1" -le 20000 ]; then
        write_probes "$target.yaml" 1 "$1" "$2" "$defaults"
        echo "$target.yaml"
        return
    fi
    mkdir -p "$target"
    local first
    for ((first = 1; first <= $1; first += 20000)); do
        local last=$((first + 19999 > $1 ? $1 : first + 19999))
        write_probes "$target/part-$first.yaml" "$first" "$last" "$2" "$defaults"
    done
    echo "$target"
}

# write_probes FILE FIRST LAST URL_PREFIX DEFAULTS
write_probes() {
    {
        echo "defaults: $5"
        echo "probes:"
        awk -v a="$2" -v b="$3" -v url="$4" 'BEGIN { for (i = a; i <= b; i++) printf "  - name: p%d\n    url: \"%s?i=%d\"\n", i, url, i }'
    } > "$1"
}

# measure CMD...: "WALL CPU MAXRSS_KIB" of one run of CMD, its output dropped. The CPU is
# wait4's user + system time to the microsecond (GNU time prints both to 10 ms, which at
# 1,000 probes, 0.1 s of CPU, was a 10-20% step).
measure() {
    python3 -c '
import os, sys, time
start = time.monotonic()
pid = os.fork()
if pid == 0:
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.execvp(sys.argv[1], sys.argv[1:])
_, _, usage = os.wait4(pid, 0)
print(f"{time.monotonic() - start:.4f} {usage.ru_utime + usage.ru_stime:.4f} {usage.ru_maxrss}")
' "$@"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }
