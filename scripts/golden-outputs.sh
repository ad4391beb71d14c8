#!/usr/bin/env bash
# Renders every report format of one run over the simulator's routes, with the numbers
# that vary from run to run (times, ports, dates) masked, so that two builds of canary can
# be compared byte for byte: a refactor must leave this output unchanged.
# Usage: scripts/golden-outputs.sh CANARY OUTDIR
set -euo pipefail
canary=$1
out=$2
mkdir -p "$out"
work=$(mktemp -d)
trap 'kill "$sim" 2>/dev/null || true; rm -rf "$work"' EXIT
"$canary" simulate --listen 127.0.0.1:0 >"$work/sim.txt" 2>&1 &
sim=$!
for _ in $(seq 100); do
    port=$(grep -oE '127\.0\.0\.1:[0-9]+' "$work/sim.txt" | head -1 | cut -d: -f2 || true)
    [ -n "$port" ] && break
    sleep 0.05
done
base="http://127.0.0.1:$port"
{
    echo "defaults: {attempts: 2, attempt_spacing: 0s, timeout: 2s, labels: {team: golden}}"
    echo "probes:"
    for route in ok blank spa error-page status/504 status/503 status/429 status/404 redirect-login \
        redirect-loop malformed reset empty huge?bytes=20000000 flaky?every=2 slow?ms=10; do
        name=$(echo "$route" | tr '/?=' '---')
        echo "  - name: r-$name"
        echo "    url: $base/$route"
        echo "    max_body_bytes: 1MiB"
        echo "    capture_headers: [content-type]"
    done
    echo "  - name: contains"
    echo "    url: $base/ok"
    echo "    expect: {body_contains: [\"nowhere to be found\"], latency: {warning: 10s}}"
    echo "  - name: refused"
    echo "    url: http://127.0.0.1:1/"
} >"$work/p.yaml"
mask() {
    sed -E -e "s/$port/PORT/g" -e "s#$work#WORK#g" \
        -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z/TIME/g' \
        -e 's/[0-9]+(\.[0-9]+)?(ms|s)\b/N\2/g' \
        -e 's/"(duration_seconds|resolve|connect|tls|processing|transfer|total|time)":[0-9.e-]+/"\1":N/g' \
        -e 's/(time|timestamp)="[^"]*"/\1="N"/g' \
        -e 's/=[0-9.e-]+s;/=Ns;/g' \
        -e 's/^((probe_duration_seconds|probe_http_duration_seconds|probe_dns_lookup_time_seconds|canary_run_[a-z_]+|canary_probe_[a-z_]*timestamp_seconds)(\{[^}]*\})?) .*/\1 N/' \
        -e 's/after [0-9]+ ms/after N ms/g' \
        -e 's/"started_at":"[^"]*"/"started_at":"TIME"/g' -e 's/ {2,}/  /g'
}
for format in text json nagios junit; do
    "$canary" run "$work/p.yaml" --format "$format" --verbose --textfile "$work/t.prom" >"$work/out" 2>"$work/err" || true
    mask <"$work/out" >"$out/run.$format"
    mask <"$work/err" >"$out/run.$format.stderr"
done
mask <"$work/t.prom" >"$out/textfile.prom"
"$canary" check "$base/status/504" --attempts 2 --attempt-spacing 1ms --contains 'x' >"$work/out" 2>&1 || true
mask <"$work/out" >"$out/check.nagios"
echo "written to $out"
