#!/usr/bin/env bash
# The hub's log-sample check (POST /api/v1/sharing/collections/{id}/log-check) against
# `fincyber match` on the institution's machine, on the same indicators and log.
# See bench/hub/README.md ("Log-sample check").
#
# Usage: bench/hub/logcheck.sh [build dir]      (default: build; needs fincyber and hub_bench)
# Environment: SETS (indicator set sizes, "10000 100000"), LOG_MB (the sample, 16: the
# route takes at most 16 MiB), CHECKS (checks after the first, 5), KEEP_WORKDIR=1.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
fincyber=$build/fincyber
hub_bench=$build/hub_bench
sets=${SETS:-10000 100000}
log_mb=${LOG_MB:-16}
checks=${CHECKS:-5}

for tool in python3 curl; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done
for program in "$fincyber" "$hub_bench"; do
  [ -x "$program" ] || { echo "no $program: cmake --build $build --target fincyber hub_bench" >&2; exit 1; }
done

work=$(mktemp -d /tmp/logcheck.XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ "${KEEP_WORKDIR:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
value() { sed -n "s/^$2=//p" "$1" | tail -n 1; }
json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

set_list=$(echo "$sets" | tr ' ' ',')
echo "generating a ${log_mb} MB log and indicator sets of $sets" >&2
python3 "$repo/bench/match/generate.py" --out "$work/data" --log-mb "$log_mb" --sets "$set_list" \
  --bundles >/dev/null
log=$work/data/access.log
log_bytes=$(stat -c %s "$log")
truth=$(json_field "$work/data/truth.json" hit_lines)

echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(uptime | sed 's/.*load average: //');"
echo "sample $log_bytes bytes, $(wc -l <"$log") lines, $truth with a planted hit."
echo
echo "| indicators | hub: first check s (compile + match) | hub: next checks s (median of $checks) | \`fincyber match\` s | matches hub / match / truth |"
echo "|---:|---:|---:|---:|---|"
for n in $sets; do
  db=$work/hub-$n.db
  "$hub_bench" setup --database "$db" >"$work/setup.txt"
  collection=$(value "$work/setup.txt" collection)
  token=$(value "$work/setup.txt" token)
  "$hub_bench" import --database "$db" --collection "$collection" \
    --bundle "$work/data/set-$n.json" >/dev/null
  port=$(free_port)
  printf 'database = "%s"\nlisten = "127.0.0.1:%s"\nlog_level = "warn"\n' "$db" "$port" \
    >"$work/serve.toml"
  "$fincyber" serve --config "$work/serve.toml" >"$work/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/api/v1/health" >/dev/null && break
    sleep 0.1
  done
  check() {
    curl -fsS -o "$work/check.json" -w '%{time_total}\n' -H "Authorization: Bearer $token" \
      -H 'Content-Type: text/plain' --data-binary "@$log" \
      "http://127.0.0.1:$port/api/v1/sharing/collections/$collection/log-check"
  }
  # The first check: a set that takes longer than the hub waits is answered 503 while it
  # compiles, and asked again, as the web page does; timed from the first request to the
  # answer.
  start=$(date +%s.%N)
  while true; do
    status=$(curl -sS -o "$work/check.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
      -H 'Content-Type: text/plain' --data-binary "@$log" \
      "http://127.0.0.1:$port/api/v1/sharing/collections/$collection/log-check")
    [ "$status" = 503 ] || break
    sleep 0.2
  done
  [ "$status" = 200 ] || { echo "log check answered $status" >&2; exit 1; }
  first=$(awk -v from="$start" -v to="$(date +%s.%N)" 'BEGIN {print to - from}')
  hub_matches=$(json_field "$work/check.json" matches)
  next=$(for _ in $(seq 1 "$checks"); do check; done | median)
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""

  start=$(date +%s.%N)
  "$fincyber" match --indicators "$work/data/set-$n.json" --threads 1 \
    --output "$work/matches.jsonl" "$log" 2>/dev/null || true
  local_s=$(awk -v from="$start" -v to="$(date +%s.%N)" 'BEGIN {print to - from}')
  local_matches=$(wc -l <"$work/matches.jsonl")
  printf '| %s | %.3f | %.3f | %.3f | %s / %s / %s |\n' "$n" "$first" "$next" "$local_s" \
    "$hub_matches" "$local_matches" "$truth"
done
