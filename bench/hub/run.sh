#!/usr/bin/env bash
# The sharing hub benchmark: ingest, serve and correlation on SQLite and PostgreSQL.
# See bench/hub/README.md for the method.
#
# Usage: bench/hub/run.sh [build dir]      (default: build; needs fincyber and hub_bench)
# Environment: OBJECTS (1000000), ENVELOPE (objects per TAXII POST, 5000), BACKENDS
# ("sqlite postgresql"), DURATION (wrk, 10s), CONNECTIONS (wrk, 64), RESULTS_DIR
# (bench/results; "-" only prints), KEEP_WORKDIR=1.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
fincyber=$build/fincyber
hub_bench=$build/hub_bench
objects=${OBJECTS:-1000000}
envelope=${ENVELOPE:-5000}
backends=${BACKENDS:-sqlite postgresql}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}
results_dir=${RESULTS_DIR:-$repo/bench/results}

missing=()
for tool in python3 wrk curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[ -x /usr/bin/time ] || missing+=("time")
if [ ${#missing[@]} -gt 0 ]; then
  echo "missing: ${missing[*]} (apt-get install python3 wrk curl time)" >&2
  exit 1
fi
for program in "$fincyber" "$hub_bench"; do
  if [ ! -x "$program" ]; then
    echo "no $program: cmake --build $build --target fincyber hub_bench" >&2
    exit 1
  fi
done

work=$(mktemp -d /tmp/hubbench.XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$(pgrep -P "$server_pid")" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ -f "$work/pg-databases" ]; then
    while read -r db; do
      psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
    done <"$work/pg-databases"
  fi
  if [ "${KEEP_WORKDIR:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# key=value lines of a file, one value.
value() { sed -n "s/^$2=//p" "$1" | tail -n 1; }
# Peak resident memory in MiB from /usr/bin/time -v output.
peak_mib() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$1"; }
elapsed() { awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$1"; }

pg_admin=""
if [[ " $backends " == *" postgresql "* ]]; then
  test_url=$("$repo/scripts/start-postgres.sh")
  pg_admin=${test_url/fincyber_test/postgres}
fi
# A fresh database for one measurement: a file, or a scratch PostgreSQL database.
new_database() {  # backend name
  if [ "$1" = sqlite ]; then
    echo "$work/$2.db"
  else
    local db="fincyber_hubbench_$2_$$"
    psql -q "$pg_admin" -c "CREATE DATABASE $db" >/dev/null
    # Listed in a file: callers run this in a subshell, which a variable would not leave.
    echo "$db" >>"$work/pg-databases"
    echo "${test_url/fincyber_test/$db}"
  fi
}
# A measured database no longer needed is removed (SQLite), so that the next step does not
# share the disk with the writeback of its pages; then what is left is written out before
# the next step starts. Without this, each import ran at half the rate or less of the same
# import run alone.
done_with() {  # backend database
  if [ "$1" = sqlite ]; then rm -f "$2" "$2-wal" "$2-shm"; fi
  sync
}

# Starts `fincyber serve` on a database under /usr/bin/time (serve-NAME.time); sets $url.
# A POST is answered "pending" once its envelope is spooled; POST_WAIT_MS (optional third
# argument) makes it wait that long for the store instead, as before the spool.
start_server() {  # database name [post_wait_ms]
  local port
  port=$(free_port)
  rm -rf "$work/spool-$2"
  cat >"$work/serve.toml" <<EOF
database = "$1"
listen = "127.0.0.1:$port"
log_level = "warn"
taxii_max_content_length = 67108864
taxii_spool_dir = "$work/spool-$2"
taxii_post_wait_ms = ${3:-0}
EOF
  /usr/bin/time -v "$fincyber" serve --config "$work/serve.toml" >"$work/serve-$2.log" \
    2>"$work/serve-$2.time" &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/api/v1/health" >/dev/null && break
    sleep 0.1
  done
  url=http://127.0.0.1:$port
}
# /usr/bin/time passes no signal on: stops the server itself, then collects time's report.
stop_server() {
  kill -TERM "$(pgrep -P "$server_pid")"
  wait "$server_pid" || true
  server_pid=""
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "generating $objects objects and $((objects / 10)) for the memory comparison" >&2
python3 "$repo/bench/hub/generate.py" "$work/bundle.json" --objects "$objects"
python3 "$repo/bench/hub/generate.py" "$work/bundle-tenth.json" --objects $((objects / 10))
bundle_mib=$(( $(stat -c %s "$work/bundle.json") / 1048576 ))
have_cli_import=0
"$fincyber" import --help >/dev/null 2>&1 && have_cli_import=1

declare -A row
load_before=$(uptime | sed 's/.*load average: //')
for backend in $backends; do
  echo "== $backend" >&2
  # Service-level import (what `fincyber import` does), full and one tenth: peak memory
  # must not follow the bundle's size.
  for size in tenth full; do
    file=$work/bundle.json; [ "$size" = tenth ] && file=$work/bundle-tenth.json
    db=$(new_database "$backend" "import_$size")
    "$hub_bench" setup --database "$db" >"$work/setup.txt"
    collection=$(value "$work/setup.txt" collection)
    /usr/bin/time -v "$hub_bench" import --database "$db" --collection "$collection" \
      --bundle "$file" >"$work/import-$backend-$size.txt" 2>"$work/import-$backend-$size.time"
    row[$backend.import_$size.rate]=$(value "$work/import-$backend-$size.txt" objects_per_second)
    row[$backend.import_$size.mem]=$(peak_mib "$work/import-$backend-$size.time")
    done_with "$backend" "$db"
  done

  # The same import storing each batch before reading the next: the pipeline's gain.
  db=$(new_database "$backend" import_one_thread)
  "$hub_bench" setup --database "$db" >"$work/setup.txt"
  collection=$(value "$work/setup.txt" collection)
  "$hub_bench" import --database "$db" --collection "$collection" --bundle "$work/bundle.json" \
    --one-thread >"$work/import-$backend-one-thread.txt"
  row[$backend.import_one_thread.rate]=$(value "$work/import-$backend-one-thread.txt" objects_per_second)
  done_with "$backend" "$db"

  if [ "$have_cli_import" = 1 ]; then
    db=$(new_database "$backend" cli)
    "$hub_bench" setup --database "$db" >"$work/setup.txt"
    collection=$(value "$work/setup.txt" collection)
    start=$(date +%s.%N)
    /usr/bin/time -v "$fincyber" import --database "$db" --collection "$collection" \
      --as bench.analyst --bundle "$work/bundle.json" >"$work/cli-$backend.txt" \
      2>"$work/cli-$backend.time" || echo "fincyber import exited $?" >&2
    end=$(date +%s.%N)
    row[$backend.cli.rate]=$(python3 -c "print(round($objects / ($end - $start)))")
    row[$backend.cli.mem]=$(peak_mib "$work/cli-$backend.time")
    done_with "$backend" "$db"
  fi

  # TAXII: POST the bundle in envelopes, page through it, wrk one page; the server runs
  # under /usr/bin/time for its peak memory over all three.
  db=$(new_database "$backend" taxii)
  "$hub_bench" setup --database "$db" >"$work/setup.txt"
  collection=$(value "$work/setup.txt" collection)
  token=$(value "$work/setup.txt" token)
  start_server "$db" "$backend"
  "$hub_bench" post --url "$url" --token "$token" --collection "$collection" \
    --bundle "$work/bundle.json" --batch "$envelope" >"$work/post-$backend.txt"
  row[$backend.post.rate]=$(value "$work/post-$backend.txt" objects_per_second)
  "$hub_bench" page --url "$url" --token "$token" --collection "$collection" \
    --limit 1000 >"$work/page-$backend.txt"
  row[$backend.page.rate]=$(value "$work/page-$backend.txt" objects_per_second)
  row[$backend.page.count]=$(value "$work/page-$backend.txt" objects)
  wrk -t 2 -c "$connections" -d "$duration" --latency \
    -H "Authorization: Bearer $token" -H "Accept: application/taxii+json;version=2.1" \
    "$url/taxii2/api1/collections/$collection/objects/?limit=1000" >"$work/wrk-$backend.txt"
  row[$backend.wrk.rps]=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$work/wrk-$backend.txt")
  row[$backend.wrk.p99]=$(awk '$1 == "99%" {print $2}' "$work/wrk-$backend.txt")
  row[$backend.wrk.errors]=$(awk '/Non-2xx|Socket errors/ {print}' "$work/wrk-$backend.txt" | tr '\n' ' ')
  stop_server
  row[$backend.serve.mem]=$(peak_mib "$work/serve-$backend.time")
  sync  # the store is kept for the correlation lookups at the end

  # The same POST from two clients at once, into a fresh store: one envelope is parsed
  # and validated while the other is stored.
  db_parallel=$(new_database "$backend" taxii_parallel)
  "$hub_bench" setup --database "$db_parallel" >"$work/setup-parallel.txt"
  start_server "$db_parallel" "$backend-parallel"
  "$hub_bench" post --url "$url" --token "$(value "$work/setup-parallel.txt" token)" \
    --collection "$(value "$work/setup-parallel.txt" collection)" --bundle "$work/bundle.json" \
    --batch "$envelope" --connections 2 >"$work/post-parallel-$backend.txt"
  row[$backend.post_parallel.rate]=$(value "$work/post-parallel-$backend.txt" objects_per_second)
  stop_server
  done_with "$backend" "$db_parallel"

  # The same POST answered only once each envelope is stored: no overlap between the
  # client's next envelope and the store, a transaction per envelope.
  db_stored=$(new_database "$backend" taxii_stored)
  "$hub_bench" setup --database "$db_stored" >"$work/setup-stored.txt"
  start_server "$db_stored" "$backend-stored" 600000
  "$hub_bench" post --url "$url" --token "$(value "$work/setup-stored.txt" token)" \
    --collection "$(value "$work/setup-stored.txt" collection)" --bundle "$work/bundle.json" \
    --batch "$envelope" >"$work/post-stored-$backend.txt"
  row[$backend.post_stored.rate]=$(value "$work/post-stored-$backend.txt" objects_per_second)
  stop_server
  done_with "$backend" "$db_stored"

  "$hub_bench" correlate --database "$db" --samples 1000 >"$work/correlate-$backend.txt"
  row[$backend.corr.p50]=$(value "$work/correlate-$backend.txt" p50_ms)
  row[$backend.corr.p99]=$(value "$work/correlate-$backend.txt" p99_ms)
  row[$backend.corr.related]=$(value "$work/correlate-$backend.txt" with_related)
done
load_after=$(uptime | sed 's/.*load average: //')

medallion="not packaged for Debian"
apt-cache show python3-medallion >/dev/null 2>&1 && medallion="packaged (python3-medallion), not run"

report() {
  echo "# Sharing hub benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)," \
    "$(sed -n 's/^PRETTY_NAME=//p' /etc/os-release | tr -d '"'). Load average before: $load_before;" \
    "after: $load_after. Client and server share the cores."
  echo
  echo "Data: \`bench/hub/generate.py --objects $objects\` ($bundle_mib MiB; indicators with" \
    "domain, URL, IP, CIDR and hash patterns, malware, threat actors, relationships)." \
    "TAXII POST in envelopes of $envelope objects; paging with limit=1000; wrk" \
    "$connections connections for $duration on one page of 1000 objects."
  echo
  echo "| figure | $(for b in $backends; do printf '%s | ' "$b"; done)"
  echo "|---|$(for b in $backends; do printf -- '---|'; done)"
  line() {  # label key unit
    printf '| %s |' "$1"
    for b in $backends; do printf ' %s |' "${row[$b.$2]:-n/a}${3}"; done
    echo
  }
  line "ingest, service level (= \`fincyber import\` path), objects/s" import_full.rate ""
  line "  peak memory, $objects objects" import_full.mem " MiB"
  line "  peak memory, $((objects / 10)) objects" import_tenth.mem " MiB"
  line "ingest, service level, one thread (each batch stored before the next is read), objects/s" import_one_thread.rate ""
  if [ "$have_cli_import" = 1 ]; then
    line "ingest, \`fincyber import\` CLI, objects/s (process start to exit)" cli.rate ""
    line "  peak memory" cli.mem " MiB"
  fi
  line "ingest, TAXII POST (answered pending once spooled; until all stored), objects/s" post.rate ""
  line "ingest, TAXII POST from two clients at once, objects/s" post_parallel.rate ""
  line "ingest, TAXII POST answered once stored (taxii_post_wait_ms), objects/s" post_stored.rate ""
  line "serve, paging limit=1000, objects/s" page.rate ""
  line "  objects read back" page.count ""
  line "serve, wrk one page, requests/s" wrk.rps ""
  line "  p99 latency" wrk.p99 ""
  line "  wrk errors" wrk.errors ""
  line "  server peak memory (POST, paging, wrk)" serve.mem " MiB"
  line "correlation lookup, p50 ms" corr.p50 ""
  line "correlation lookup, p99 ms" corr.p99 ""
  line "  related objects found in 1000 lookups" corr.related ""
  echo
  echo "Anchors (not run here): the OASIS reference TAXII server, medallion ($medallion;" \
    "installing it needs pip), read back 10,000 objects at about 25 objects/s; OpenCTI" \
    "users report ingest stalling at a few bundles per second (not packaged for Debian)."
}
if [ "$results_dir" = - ]; then
  report
else
  mkdir -p "$results_dir"
  out=$results_dir/hub-$(date -u +%Y-%m-%d-%H%M%S).md
  report | tee "$out"
  echo "written to $out" >&2
fi
