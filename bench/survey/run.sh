#!/usr/bin/env bash
# Builds and runs the sector analytics benchmark: 2,000 institutions x 300 items x 3
# campaign years generated in process, scored and analysed (see README.md). With
# SURVEY_BENCH=campaign it runs the campaign-through-storage benchmark instead
# (survey_campaign_bench; pass --database postgresql://... for PostgreSQL).
#
# Usage: bench/survey/run.sh [build dir] [extra flags for the benchmark]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
shift || true
bench=survey_analytics_bench
[ "${SURVEY_BENCH:-}" = campaign ] && bench=survey_campaign_bench
cmake --build "$build" --target "$bench" >/dev/null
echo "load before: $(uptime | sed 's/.*load average: //')"
if [ "$bench" = survey_analytics_bench ]; then
  "$build/src/survey/$bench" --runs 7 "$@"
else
  "$build/src/survey/$bench" "$@"
fi
echo "load after: $(uptime | sed 's/.*load average: //')"
