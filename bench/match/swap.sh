#!/usr/bin/env bash
# Time to swap an updated indicator set into a running `fincyber match`: the matcher
# follows a log that another process keeps writing to, with `--refresh 1` on a CSV set;
# the set file is replaced by the same set plus 1% new indicators, and the matcher's own
# report gives the time to read and compile the updated set (beside the running scan)
# and the time the swap itself holds the scanning threads up. The first line written
# after the swap with a new indicator is checked to be matched. With TAXII_SET=N, the same
# for a set of N indicators pulled from a local hub (`fincyber serve` on loopback, SQLite):
# the first pull and compile, then 1% more indicators added to the collection, pulled and
# swapped in. Prints Markdown tables.
#
# Usage: bench/match/swap.sh [path/to/fincyber]   (default build/fincyber)
# Environment: SETS (default 10000,100000,1000000), TAXII_SET (default none), WORK (default
# a new folder under /tmp, deleted at the end unless KEEP_DATA=1).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "${1:-$here/../../build/fincyber}")
sets=${SETS:-10000,100000,1000000}
taxii_set=${TAXII_SET:-}
[ -x "$bin" ] || { echo "no fincyber binary at $bin" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "missing: /usr/bin/time (apt-get install time)" >&2; exit 2; }
work=${WORK:-$(mktemp -d /tmp/fincyber-match-swap.XXXXXX)}
mkdir -p "$work"
matcher=
writer=
server=
cleanup() {
  for pid in $matcher $writer $server; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  [ "${KEEP_DATA:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

echo "generating sets $sets in $work ..." >&2
all_sets=$sets${taxii_set:+,$taxii_set}
python3 "$here/generate.py" --out "$work" --log-mb 1 --sets "$all_sets" ${taxii_set:+--bundles} >/dev/null

wait_for() {  # wait_for FILE PATTERN: up to 120 s
  for _ in $(seq 1200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for '$2' in $1" >&2; tail -5 "$1" >&2; return 1
}

start_writer() {  # a steady stream of traffic into the followed log
  : >"$work/live.log"
  python3 -c "
import time
with open('$work/live.log', 'a') as f:
    i = 0
    while True:
        f.write('1700000000.%03d 12 10.0.0.%d TCP_MISS/200 512 GET http://benign-%d.example/p - HIER_DIRECT/198.18.0.1 text/html\n' % (i % 1000, i % 250, i))
        i += 1
        if i % 1000 == 0:
            f.flush()
            time.sleep(0.01)
" &
  writer=$!
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()
IFS=, read -r -a set_sizes <<<"$sets"
for size in "${set_sizes[@]}"; do
  extra=$((size / 100))
  cp "$work/set-$size.csv" "$work/current.csv"
  python3 -c "
for i in range($extra):
    print('domain,swap-%d.new-indicator.example,indicator--%s' % (i, '00000000-0000-4000-9000-%012d' % i))
" >"$work/extra.csv"
  start_writer
  /usr/bin/time -f "%M" -o "$work/swap-$size.rss" "$bin" match --indicators "$work/current.csv" \
    --refresh 1 --follow --threads 2 --output "$work/swap-$size.jsonl" "$work/live.log" \
    2>"$work/swap-$size.err" &
  matcher=$!
  wait_for "$work/swap-$size.err" "loaded and compiled"
  sleep 2
  cat "$work/set-$size.csv" "$work/extra.csv" >"$work/next.csv"
  mv "$work/next.csv" "$work/current.csv"
  wait_for "$work/swap-$size.err" "indicator set updated"
  echo "GET http://swap-0.new-indicator.example/ after the swap" >>"$work/live.log"
  wait_for "$work/swap-$size.jsonl" "swap-0.new-indicator.example"
  # SIGTERM to fincyber itself (time(1)'s child), which ends follow mode cleanly.
  kill -TERM "$(pgrep -P "$matcher")"; wait "$matcher" 2>/dev/null || true; matcher=
  kill "$writer"; wait "$writer" 2>/dev/null || true; writer=
  line=$(grep "indicator set updated" "$work/swap-$size.err")
  compile=$(echo "$line" | grep -o 'compiled in [0-9.]* s' | grep -o '[0-9.]*')
  swap=$(echo "$line" | grep -o 'swapped in [0-9.]* us' | grep -o '[0-9.]*')
  lines=$(wc -l <"$work/live.log")
  rss=$(tail -1 "$work/swap-$size.rss" | awk '{printf "%.0f", $1 / 1024}')
  rows+=("| $((size + extra)) | $compile | $swap | $rss | $lines |")
  rm -f "$work/live.log" "$work/swap-$size.jsonl"
done

taxii_rows=()
if [ -n "$taxii_set" ]; then
  # A hub with one institution, its collection holding the set.
  db=$work/hub.db
  "$bin" migrate --database "$db" >/dev/null
  org=$("$bin" org add --database "$db" --sector regional_bank --name-ja 銀行 --name-en Bank)
  group=$("$bin" group add --database "$db" --name-ja 会員 --name-en Members --member "$org")
  "$bin" user add --database "$db" --org "$org" --username bench --display-name bench >/dev/null
  collection=$("$bin" collection add --database "$db" --title Indicators --alias indicators \
    --read-group "$group" --write-group "$group")
  token=$("$bin" token create --database "$db" --user bench --name matcher | tail -n 1)
  "$bin" import --database "$db" --collection indicators --as bench --bundle "$work/set-$taxii_set.json" >/dev/null 2>&1
  extra=$((taxii_set / 100))
  python3 -c "
import json
objects = [{'type': 'indicator', 'spec_version': '2.1', 'id': 'indicator--00000000-0000-4000-9000-%012d' % i,
            'created': '2026-01-01T00:00:00.000Z', 'modified': '2026-01-01T00:00:00.000Z', 'pattern_type': 'stix',
            'valid_from': '2026-01-01T00:00:00Z', 'pattern': \"[domain-name:value = 'swap-%d.new-indicator.example']\" % i}
           for i in range($extra)]
json.dump({'type': 'bundle', 'id': 'bundle--00000000-0000-4000-9000-000000000000', 'objects': objects}, open('$work/extra.json', 'w'))
"
  "$bin" serve --database "$db" --listen 127.0.0.1:0 >"$work/serve.log" 2>&1 &
  server=$!
  wait_for "$work/serve.log" "^listening on"
  url="$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$work/serve.log")/taxii2/"
  start_writer
  started=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/taxii.rss" "$bin" match --taxii "$url" --collection "$collection" \
    --token "$token" --state "$work/taxii.state" --refresh 1 --follow --threads 2 \
    --output "$work/taxii.jsonl" "$work/live.log" 2>"$work/taxii.err" &
  matcher=$!
  wait_for "$work/taxii.err" "loaded and compiled"
  first=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  compile_first=$(grep -o 'loaded and compiled in [0-9.]* s' "$work/taxii.err" | grep -o '[0-9.]*')
  sleep 2
  added=$(date +%s.%N)
  "$bin" import --database "$db" --collection indicators --as bench --bundle "$work/extra.json" >/dev/null 2>&1
  wait_for "$work/taxii.err" "indicator set updated"
  echo "GET http://swap-0.new-indicator.example/ after the swap" >>"$work/live.log"
  wait_for "$work/taxii.jsonl" "swap-0.new-indicator.example"
  in_use=$(awk -v a="$added" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  kill -TERM "$(pgrep -P "$matcher")"; wait "$matcher" 2>/dev/null || true; matcher=
  kill "$writer"; wait "$writer" 2>/dev/null || true; writer=
  kill "$server"; wait "$server" 2>/dev/null || true; server=
  line=$(grep "indicator set updated" "$work/taxii.err")
  compile=$(echo "$line" | grep -o 'compiled in [0-9.]* s' | grep -o '[0-9.]*')
  swap=$(echo "$line" | grep -o 'swapped in [0-9.]* us' | grep -o '[0-9.]*')
  rss=$(tail -1 "$work/taxii.rss" | awk '{printf "%.0f", $1 / 1024}')
  taxii_rows+=("| $taxii_set | $first ($compile_first compile) | $((taxii_set + extra)) | $compile | $swap | $in_use | $rss |")
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average before ${load_before}, after ${load_after}."
echo
echo "CSV set replaced under \`--refresh 1 --follow\`:"
echo
echo "| indicators after the update | read + compile s (beside the scan) | swap µs | peak RSS MB | log lines scanned meanwhile |"
echo "|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
if ((${#taxii_rows[@]})); then
  echo
  echo "TAXII collection on a local hub, 1% added to it under \`--refresh 1 --follow\`:"
  echo
  echo "| indicators | first pull + compile s (compile alone) | after the update | recompile s | swap µs | added → first match s | peak RSS MB |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${taxii_rows[@]}"
fi
