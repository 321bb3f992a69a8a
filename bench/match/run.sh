#!/usr/bin/env bash
# The indicator matcher against grep -F and rg -F, on the same generated data in the same
# run: throughput and peak memory of `fincyber match` with 1 and 2 threads, load and
# compile time of each indicator set (CSV and STIX bundle), and each tool's hit count
# against the planted truth. Prints a Markdown report.
#
# Usage: bench/match/run.sh [path/to/fincyber]   (default build/fincyber)
# Environment: LOG_MB (default 200; 1000 for the reference run), SETS (default
# 10000,100000,1000000), WORK (a folder for the data, default a new one under /tmp,
# deleted at the end unless KEEP_DATA=1).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "${1:-$here/../../build/fincyber}")
log_mb=${LOG_MB:-200}
sets=${SETS:-10000,100000,1000000}
missing=()
for tool in python3 grep rg; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[ -x /usr/bin/time ] || missing+=(time)
if ((${#missing[@]})); then
  echo "missing: ${missing[*]} (apt-get install python3 grep ripgrep time)" >&2
  exit 2
fi
[ -x "$bin" ] || { echo "no fincyber binary at $bin" >&2; exit 2; }
work=${WORK:-$(mktemp -d /tmp/fincyber-match-bench.XXXXXX)}
mkdir -p "$work"
[ "${KEEP_DATA:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT

echo "generating ${log_mb} MB of log and sets $sets in $work ..." >&2
python3 "$here/generate.py" --out "$work" --log-mb "$log_mb" --sets "$sets" --bundles >/dev/null
log=$work/access.log
: >"$work/empty.log"
log_bytes=$(stat -c %s "$log")
truth=$(python3 -c "import json; print(json.load(open('$work/truth.json'))['hit_lines'])")

# measure NAME COMMAND...: wall seconds and peak RSS (kB) into $work/NAME.time,
# stdout and stderr beside it. Exit status 1 (matches found) is not a failure.
measure() {
  local name=$1
  shift
  /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" || true
}
# time(1) writes "Command exited with non-zero status N" first when the status is not 0.
wall() { tail -1 "$work/$1.time" | cut -d' ' -f1; }
rss_mb() { tail -1 "$work/$1.time" | awk '{printf "%.0f", $2 / 1024}'; }
rate() { awk -v b="$log_bytes" -v s="$1" 'BEGIN { printf "%.0f", (s > 0) ? b / s / 1e6 : 0 }'; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()
load_rows=()
IFS=, read -r -a set_sizes <<<"$sets"
for size in "${set_sizes[@]}"; do
  for kind in csv json; do
    measure "load-$size-$kind" "$bin" match --indicators "$work/set-$size.$kind" --output /dev/null "$work/empty.log"
    compile=$(grep -o 'compiled in [0-9.]* s' "$work/load-$size-$kind.err" | grep -o '[0-9.]*' | head -1)
    matcher=$(grep -o 'matcher [0-9.]* [kMG]B' "$work/load-$size-$kind.err" | cut -d' ' -f2-)
    load_rows+=("| $size | $kind | ${compile:-?} | $matcher | $(rss_mb "load-$size-$kind") |")
  done
  for threads in 1 2; do
    name="fincyber-$size-t$threads"
    measure "$name" "$bin" match --indicators "$work/set-$size.csv" --threads "$threads" \
      --output "$work/$name.jsonl" "$log"
    compile=$(grep -o 'compiled in [0-9.]* s' "$work/$name.err" | grep -o '[0-9.]*' | head -1)
    scan=$(grep -o 'in [0-9.]* s (' "$work/$name.err" | grep -o '[0-9.]*' | head -1)
    hits=$(wc -l <"$work/$name.jsonl")
    rows+=("$size|fincyber match --threads $threads|$(wall "$name")|$(rate "$(wall "$name")")|$(rate "$scan")|$(rss_mb "$name")|$hits")
    rm -f "$work/$name.jsonl"
  done
  measure "grep-$size" grep -F -c -f "$work/set-$size.txt" "$log"
  rows+=("$size|grep -F -c -f|$(wall "grep-$size")|$(rate "$(wall "grep-$size")")||$(rss_mb "grep-$size")|$(cat "$work/grep-$size.out")")
  measure "rg-$size" rg -F -c -f "$work/set-$size.txt" "$log"
  rows+=("$size|rg -F -c -f|$(wall "rg-$size")|$(rate "$(wall "rg-$size")")||$(rss_mb "rg-$size")|$(cat "$work/rg-$size.out")")
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo "## Indicator matcher benchmark"
echo
echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
echo "load average before ${load_before}, after ${load_after}; log ${log_bytes} bytes,"
echo "$(python3 -c "import json; t=json.load(open('$work/truth.json')); print(t['lines'], 'lines,', t['hit_lines'], 'with a planted hit,', sum(t['near_misses_by_kind'].values()), 'with a near miss')")."
echo
echo "| indicators | tool | wall s | MB/s (wall) | MB/s (scan only) | peak RSS MB | hits (truth $truth) | ÷ best of grep/rg |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|"
for row in "${rows[@]}"; do
  IFS='|' read -r size tool seconds mbps scan_mbps rss hits <<<"$row"
  best=0
  for other in "${rows[@]}"; do
    IFS='|' read -r osize otool _ ombps _ _ _ <<<"$other"
    if [ "$osize" = "$size" ] && [[ "$otool" != fincyber* ]] && [ "${ombps:-0}" -gt "$best" ]; then best=$ombps; fi
  done
  ratio=""
  [[ "$tool" == fincyber* ]] && ratio=$(awk -v a="$mbps" -v b="$best" 'BEGIN { if (b > 0) printf "%.1f×", a / b }')
  echo "| $size | \`$tool\` | $seconds | $mbps | $scan_mbps | $rss | $hits | $ratio |"
done
echo
echo "| indicators | file | load + compile s | matcher size | peak RSS MB |"
echo "|---:|---|---:|---:|---:|"
printf '%s\n' "${load_rows[@]}"
