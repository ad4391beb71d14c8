#!/usr/bin/env bash
# Start-up: one probe's `canary run` against one `curl` call of the same page, beside the
# floors that bound it: a C program linked with libcurl that does nothing, a static Swift
# program linked with Foundation and libcurl that does nothing, and `canary --version`.
# Each command runs ROUNDS times, interleaved with the others so that the machine's load
# falls on all alike; the table gives the median and the 10th percentile (the time on a
# quiet moment) and each one's ratio to curl. Then canary's run split into stages, from
# CANARY_TRACE_STARTUP marks.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
rounds=${1:-200}
start_nginx
target="http://127.0.0.1:$nginx_port/"
one=$(probes_file 1 "$target")

gcc -O2 -o "$work/floor-c-curl" bench/floor/c_curl.c -lcurl
swiftc -O -static-stdlib -o "$work/floor-swift" bench/floor/swift_foundation_curl.swift \
    -L/usr/lib/x86_64-linux-gnu -lcurl 2> /dev/null

python3 - "$rounds" "$work" "$canary" "$one" "$target" <<'PY'
import os, statistics, subprocess, sys, time

rounds, work, canary, one, target = int(sys.argv[1]), *sys.argv[2:]
commands = [
    ("curl -s -o /dev/null URL", ["curl", "-s", "-o", "/dev/null", target]),
    ("canary run (1 probe)", [canary, "run", one]),
    ("canary --version", [canary, "--version"]),
    ("floor: Swift+Foundation+libcurl, no work", [f"{work}/floor-swift"]),
    ("floor: C+libcurl, no work", [f"{work}/floor-c-curl"]),
    ("floor: /bin/true", ["/bin/true"]),
]
times = {name: [] for name, _ in commands}
stages = {}
env = dict(os.environ, CANARY_TRACE_STARTUP="1")
for _ in range(rounds):
    for name, argv in commands:
        started = time.monotonic_ns()
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        ended = time.monotonic_ns()
        times[name].append((ended - started) / 1e6)
        if name.startswith("canary run"):
            previous = started
            for line in done.stderr.decode().splitlines():
                if line.startswith("canary-trace "):
                    _, stage, ns = line.split()
                    stages.setdefault(stage, []).append((int(ns) - previous) / 1e6)
                    previous = int(ns)
            stages.setdefault("exit", []).append((ended - previous) / 1e6)

def p10(values):
    return statistics.quantiles(values, n=10)[0]

curl = times[commands[0][0]]
print(f"{'command':44s} {'median':>9s} {'x curl':>7s} {'p10':>9s} {'x curl':>7s}")
for name, _ in commands:
    t = times[name]
    print(f"{name:44s} {statistics.median(t):6.2f} ms {statistics.median(t) / statistics.median(curl):6.2f}x"
          f" {p10(t):6.2f} ms {p10(t) / p10(curl):6.2f}x")
labels = {"main": "exec to main (loader, relocations, runtime)", "parsed": "argument parsing",
          "run": "to the command's run()", "loaded": "client, state, probe file",
          "probed": "the probe", "finish": "report", "exit": "exit, until the parent sees it"}
print(f"\ncanary run, by stage ({rounds} runs)")
for stage, values in stages.items():
    print(f"  {labels.get(stage, stage):44s} {statistics.median(values):6.2f} ms median {p10(values):6.2f} ms p10")
PY
