#!/usr/bin/env bash
# Time to swap an updated indicator set into a running `fincyber match`: the matcher
# follows a log that another process keeps writing to, with `--refresh 1` on a CSV set;
# the set file is replaced by the same set plus 1% new indicators, and the matcher's own
# report gives the time to read and compile the updated set (beside the running scan)
# and the time the swap itself holds the scanning threads up. The first line written
# after the swap with a new indicator is checked to be matched. Prints a Markdown table.
#
# Usage: bench/match/swap.sh [path/to/fincyber]   (default build/fincyber)
# Environment: SETS (default 10000,100000,1000000), WORK (default a new folder under /tmp,
# deleted at the end unless KEEP_DATA=1).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "${1:-$here/../../build/fincyber}")
sets=${SETS:-10000,100000,1000000}
[ -x "$bin" ] || { echo "no fincyber binary at $bin" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "missing: /usr/bin/time (apt-get install time)" >&2; exit 2; }
work=${WORK:-$(mktemp -d /tmp/fincyber-match-swap.XXXXXX)}
mkdir -p "$work"
matcher=
writer=
cleanup() {
  for pid in $matcher $writer; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  [ "${KEEP_DATA:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

echo "generating sets $sets in $work ..." >&2
python3 "$here/generate.py" --out "$work" --log-mb 1 --sets "$sets" >/dev/null

wait_for() {  # wait_for FILE PATTERN: up to 120 s
  for _ in $(seq 1200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for '$2' in $1" >&2; tail -5 "$1" >&2; return 1
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
  : >"$work/live.log"
  # A steady stream of traffic into the followed log while the set is swapped.
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
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average before ${load_before}, after ${load_after}."
echo
echo "| indicators after the update | read + compile s (beside the scan) | swap µs | peak RSS MB | log lines scanned meanwhile |"
echo "|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
