#!/usr/bin/env bash
# Memory and loading: peak RSS of one run of 1, 1,000 and 10,000 probes of nginx, and the
# time to load 10,000 probe definitions (`canary validate`). One probe's start-up against
# one curl call is bench/startup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
start_nginx
target="http://127.0.0.1:$nginx_port/"

printf '%-28s %10s %10s\n' "canary run" "wall (s)" "peak RSS"
for n in 1 1000 10000; do
    file=$(probes_file "$n" "$target")
    read -r wall _ rss < <(measure "$canary" run "$file" --concurrency 50 --format json)
    printf '%-28s %10s %7d KiB\n' "$n probes" "$wall" "$rss"
done

file=$(probes_file 10000 "$target")
for _ in 1 2 3 4 5; do measure "$canary" validate "$file"; done > "$work/load.txt"
printf 'load 10,000 probes (validate): %s s median, peak RSS %s KiB\n' \
    "$(cut -d' ' -f1 "$work/load.txt" | median)" "$(cut -d' ' -f3 "$work/load.txt" | median)"
