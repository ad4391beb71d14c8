#!/usr/bin/env bash
# `canary report` over a long history: DAYS days of 1-minute runs for PROBES probes
# (defaults 400 and 20: about 11.5 million rows), written in canary's schema by SQLite
# itself. Prints the history's size per million rows, then the wall time and peak RSS of
# the report in each format.
#
#   bench/history-report.sh [DAYS] [PROBES]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
days=${1:-400}
probes=${2:-20}
history="$work/history.db"
minutes=$((days * 1440))

# The schema, made by canary itself: one run of each probe, deleted again.
for p in $(seq 1 "$probes"); do echo "  - name: portal-$p"; echo "    url: http://127.0.0.1:1/"; done \
    | { echo "defaults: {attempts: 1, timeout: 1s}"; echo "probes:"; cat; } > "$work/p.yaml"
"$canary" run "$work/p.yaml" --history "$history" --quiet > /dev/null || true
sqlite3 "$history" "DELETE FROM runs"
start_ms=$(( ($(date +%s) - days * 86400) * 1000 ))

# Every probe: a 30-minute outage every 3 days (504s, alerting from the 3rd failure, the
# vendor admitting it 20 minutes in) on every fourth probe, an intermittent WARNING now
# and then, and 10 minutes without runs every week.
generate() {
    local started=$SECONDS
    for p in $(seq 1 "$probes"); do
        sqlite3 "$history" <<SQL
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < $minutes - 1),
r AS (SELECT i, ($p % 4 = 0 AND i % 4320 BETWEEN 1000 AND 1029) AS down,
             ($p % 4 = 0 AND i % 4320 BETWEEN 1002 AND 1031) AS alerting,
             (i % 997 = 0) AS warn FROM m WHERE i % 10080 NOT BETWEEN 5000 AND 5009)
INSERT INTO runs (probe, time_ms, nonce, class, severity, alerting, intermittent, duration_us, latency_us,
    http_status, attempts_failed, attempts, interval_ms, step, message, request_ids, remote_ip, vendor_status,
    vendor_since_ms, vendor_lag_ms, vendor_incident)
SELECT (SELECT id FROM probes WHERE name = 'portal-$p'), $start_ms + i * 60000 + $p * 997, abs(random()) % 2147483648,
    CASE WHEN down THEN 'gateway_timeout' WHEN warn THEN 'slow' ELSE 'ok' END,
    CASE WHEN down THEN 2 WHEN warn THEN 1 ELSE 0 END, alerting, 0,
    250000 + abs(random()) % 50000, CASE WHEN down THEN 30000000 ELSE 80000 + abs(random()) % 40000 END,
    CASE WHEN down THEN 504 ELSE 200 END, CASE WHEN down THEN 3 ELSE 0 END, 3, 60000,
    CASE WHEN down THEN 'portal' END,
    CASE WHEN down THEN 'HTTP 504 Gateway Timeout on 3/3 attempts' WHEN warn THEN 'slower than 1s' END,
    CASE WHEN down THEN 'x-ms-request-id: ' || hex(randomblob(8)) END,
    CASE WHEN down THEN '10.0.0.' || (i % 4 + 7) END,
    CASE WHEN down AND i % 4320 >= 1020 THEN 'outage' END,
    CASE WHEN down AND i % 4320 >= 1020 THEN $start_ms + (i - i % 4320 + 1020) * 60000 END,
    CASE WHEN down AND i % 4320 >= 1020 THEN 1080000 END,
    CASE WHEN down AND i % 4320 >= 1020 THEN 'MO1329260: Users cannot access My Sign-Ins' END
FROM r;
COMMIT;
SQL
    done
    echo "generated in $((SECONDS - started)) s"
}
generate
rows=$(sqlite3 "$history" "SELECT count(*) FROM runs")
sqlite3 "$history" "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
bytes=$(stat -c %s "$history")
echo "history: $days days x $probes probes, $rows rows, $((bytes / 1048576)) MiB" \
    "($(awk -v b="$bytes" -v r="$rows" 'BEGIN { printf "%.1f", b / r * 1e6 / 1048576 }') MiB per million rows)"
# The file from disk, not from the page cache of the generator: as a report reads it the
# morning after (only when allowed to drop caches; otherwise warm).
sync
echo 3 > /proc/sys/vm/drop_caches 2>/dev/null && echo "page cache dropped before the first report" || true

for format in text json csv html; do
    /usr/bin/time -f "%e %M" -o "$work/time" \
        "$canary" report --history "$history" --since "${days}d" --format "$format" --output "$work/report.$format"
    read -r wall rss < "$work/time"
    echo "report --format $format: ${wall} s, peak RSS $((rss / 1024)) MiB, $(stat -c %s "$work/report.$format") bytes"
done
