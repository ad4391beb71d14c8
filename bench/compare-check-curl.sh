#!/usr/bin/env bash
# Debian's check_curl (monitoring-plugins) and `canary check` side by side, on the same
# simulator routes: a 504, a blank page, a "Something went wrong" page, a slow answer
# and an intermittent 504. Prints both outputs and exit codes for each case.
#
#   bench/compare-check-curl.sh            (needs monitoring-plugins-standard, liburiparser1)
set -euo pipefail
cd "$(dirname "$0")/.."
canary=${CANARY:-.build/release/canary}
check_curl=/usr/lib/nagios/plugins/check_curl
[ -x "$canary" ] || { echo "build canary first: make release" >&2; exit 2; }
[ -x "$check_curl" ] || { echo "install monitoring-plugins-standard first" >&2; exit 2; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$canary" simulate --listen "127.0.0.1:$port" > /dev/null 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/ok" -o /dev/null && break; sleep 0.1; done

run() { # label, check_curl arguments..., --, canary arguments...
    local label=$1; shift
    local curl_args=() canary_args=()
    while [ "$1" != "--" ]; do curl_args+=("$1"); shift; done; shift
    canary_args=("$@")
    echo "### $label"
    echo
    echo '```'
    echo "\$ check_curl ${curl_args[*]}"
    "$check_curl" "${curl_args[@]}" || echo "(exit $?)"
    echo "\$ canary check ${canary_args[*]}"
    "$canary" check "${canary_args[@]}" || echo "(exit $?)"
    echo '```'
    echo
}

base="http://127.0.0.1:$port"
common=(-H 127.0.0.1 -p "$port" -w 2 -c 5 -s "My Sign-Ins")
mine=(--warning 2s --critical 5s --contains "My Sign-Ins")
run "504 Gateway Timeout after 300 ms" "${common[@]}" -u "/status/504?delay_ms=300" -- "$base/status/504?delay_ms=300" "${mine[@]}"
run "Blank page (200, no visible text)" "${common[@]}" -u /blank -- "$base/blank" "${mine[@]}"
run "Sign-in error page (200, \"Something went wrong\")" "${common[@]}" -u /error-page -- "$base/error-page" "${mine[@]}"
run "Slow answer (2.5 s)" "${common[@]}" -u "/slow?ms=2500" -- "$base/slow?ms=2500" "${mine[@]}"
run "Intermittent 504 (1 request in 3), 3 attempts" "${common[@]}" -u "/flaky?every=3&key=cc" -- "$base/flaky?every=3&key=canary" "${mine[@]}" --attempts 3 --attempt-spacing 100ms
