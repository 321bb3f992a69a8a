#!/usr/bin/env bash
# Builds and runs the sector analytics benchmark: 2,000 institutions x 300 items x 3
# campaign years generated in process, scored and analysed (see README.md).
#
# Usage: bench/survey/run.sh [build dir] [extra flags for survey_analytics_bench]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
shift || true
cmake --build "$build" --target survey_analytics_bench >/dev/null
echo "load before: $(uptime | sed 's/.*load average: //')"
"$build/src/survey/survey_analytics_bench" --runs 7 "$@"
echo "load after: $(uptime | sed 's/.*load average: //')"
