#!/usr/bin/env bash
# Feedback-like reports per second: 8-page PDFs in Noto Sans CJK JP and in IPAex Gothic,
# and answer/score workbooks, each on 1 and 2 threads, one process per row so that the
# peak memory is that row's own.
#
# Usage: bench/documents/run.sh [build dir] [reports]   (defaults: build, 2000)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
reports=${2:-2000}
cmake --build "$build" --target documents_bench >/dev/null
echo "load before: $(uptime)"
for run in "pdf sans" "pdf compact" "xlsx sans"; do
  read -r format typeface <<<"$run"
  for threads in 1 2; do
    "$build/documents_bench" --reports "$reports" --threads "$threads" --format "$format" \
      --typeface "$typeface"
  done
done
echo "load after: $(uptime)"
