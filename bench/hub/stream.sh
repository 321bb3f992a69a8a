#!/usr/bin/env bash
# Live stream figures (bench/hub/README.md, "Live streams"): events per second delivered to
# N streams and the time from commit to receipt, on SQLite and PostgreSQL, client, server
# and database in one process on the same machine. Usage: bench/hub/stream.sh [build]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$repo/build}
program=$build/stream_bench
if [ ! -x "$program" ]; then
  echo "no $program: cmake --build $build --target stream_bench" >&2
  exit 1
fi
backends=${BACKENDS:-"sqlite postgresql"}
work=$(mktemp -d /tmp/streambench.XXXXXX)
pg_databases=()
test_url=""
pg_admin=""
cleanup() {
  for db in "${pg_databases[@]}"; do
    psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
if [[ " $backends " == *" postgresql "* ]]; then
  test_url=$("$repo/scripts/start-postgres.sh")
  pg_admin=${test_url/fincyber_test/postgres}
fi
run=0
# Sets `database` to a fresh one for the backend (not in a subshell: it counts runs).
new_database() {  # backend
  run=$((run + 1))
  if [ "$1" = sqlite ]; then
    database="$work/run$run.db"
  else
    local db="fincyber_streambench_${run}_$$"
    psql -q "$pg_admin" -c "CREATE DATABASE $db" >/dev/null
    pg_databases+=("$db")
    database="${test_url/fincyber_test/$db}"
  fi
}
value() { sed -n "s/^$2=//p" "$1" | tail -n 1; }

echo "load before: $(uptime | sed 's/.*load average: //')"
echo
echo "| backend | streams | envelopes x objects | pacing | events received | events/s | commit to receipt p50 / p99 / max ms |"
echo "|---|---:|---:|---|---:|---:|---|"
for backend in $backends; do
  # Latency: envelopes of 10 every 20 ms. Throughput: envelopes of 100 back to back, and a
  # burst of 1,000,000 events (100 envelopes of 100 to 100 streams).
  for spec in "100 50 10 20" "100 10 100 0" "400 20 10 20" "100 100 100 0"; do
    read -r streams envelopes objects interval <<<"$spec"
    out=$work/out
    new_database "$backend"
    "$program" --database "$database" --streams "$streams" \
      --envelopes "$envelopes" --objects "$objects" --interval-ms "$interval" >"$out" 2>&1 || true
    pacing=$([ "$interval" = 0 ] && echo "back to back" || echo "every $interval ms")
    echo "| $backend | $streams | $envelopes x $objects | $pacing |" \
      "$(value "$out" received_events) of $(value "$out" expected_events) |" \
      "$(value "$out" events_per_second) |" \
      "$(value "$out" latency_p50_ms) / $(value "$out" latency_p99_ms) / $(value "$out" latency_max_ms) |"
  done
done
echo
echo "load after: $(uptime | sed 's/.*load average: //')"
