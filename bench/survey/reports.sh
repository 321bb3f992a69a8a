#!/usr/bin/env bash
# Feedback reports per second: a closed campaign of N institutions (default 2,000) is
# made by survey_campaign_bench in a SQLite file (the mission's bank answered item by item,
# submitted, closed), then `fincyber survey reports` writes every institution's report,
# one process per row so that each row's peak memory is its own. See README.md.
#
# Usage: bench/survey/reports.sh [build dir] [institutions]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
institutions=${2:-2000}
cmake --build "$build" --target fincyber survey_campaign_bench >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/sector.db"
"$build/src/survey/survey_campaign_bench" --database "$db" --institutions "$institutions" \
  --reads 1 >/dev/null
campaign=$("$build/fincyber" survey campaign list --database "$db" --format json |
  jq -r '[.[] | select(.status == "closed")][0].id')

echo "load before: $(uptime | sed 's/.*load average: //')"
echo "| output | threads | reports | seconds | reports/s | bytes per report | peak RSS |"
echo "|---|---:|---:|---:|---:|---:|---:|"
row() {  # lang format font threads
  local out="$work/out-$1-$2-$3-$4"
  /usr/bin/time -f '%M' -o "$work/rss" "$build/fincyber" survey reports --database "$db" \
    --campaign "$campaign" --lang "$1" --format "$2" --font "$3" --threads "$4" --out "$out" \
    >"$work/summary"
  # "N reports written to DIR in S s (R/s); ..."
  read -r written _ _ _ _ _ seconds _ rate _ <"$work/summary"
  local bytes
  bytes=$(du -cb "$out" | tail -1 | cut -f1)
  printf '| %s %s, %s | %d | %d | %s | %s | %d | %d MiB |\n' "${2^^}" "$1" "$3" "$4" \
    "$written" "$seconds" "${rate//[()\/s;]/}" $((bytes / written)) $(($(cat "$work/rss") / 1024))
}
row ja pdf compact 1
row ja pdf compact 2
row en pdf compact 2
row ja pdf sans 2
row ja xlsx compact 2
echo "load after: $(uptime | sed 's/.*load average: //')"
