#!/usr/bin/env bash
# Load, slow-client, start-up and memory benchmark of `fincyber demo` on loopback, with
# nginx serving the same health body as the baseline. See bench/README.md.
#
#   bench/run.sh [path/to/fincyber]        (default: build/fincyber)
#
# Environment: DURATION (wrk run length, default 10s), CONNECTIONS (default "64 512"),
# SLOW_CLIENTS (default 200), THREAD_SWEEP (e.g. "1 2 4": also load `serve --threads N`),
# RESULTS_DIR (default bench/results; "-" prints to stdout only), KEEP_WORKDIR=1.
# Installs nothing and builds only the small slow-client helper (with g++).
set -euo pipefail

bench_dir="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$bench_dir/.." && pwd)"
program="${1:-$repo/build/fincyber}"
duration="${DURATION:-10s}"
read -r -a connections <<<"${CONNECTIONS:-64 512}"
slow_count="${SLOW_CLIENTS:-200}"
read -r -a thread_sweep <<<"${THREAD_SWEEP:-}"
results_dir="${RESULTS_DIR:-$bench_dir/results}"
wrk_threads=2

# --- prerequisites ---------------------------------------------------------------------
nginx_bin="$(command -v nginx || true)"
[ -n "$nginx_bin" ] || { [ -x /usr/sbin/nginx ] && nginx_bin=/usr/sbin/nginx; }
missing=()
command -v wrk >/dev/null || missing+=(wrk)
[ -n "$nginx_bin" ] || missing+=(nginx-light)
command -v curl >/dev/null || missing+=(curl)
command -v g++ >/dev/null || missing+=(g++)
command -v ss >/dev/null || missing+=(iproute2)
if ((${#missing[@]})); then
  echo "missing tools; install them with: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
if [ ! -x "$program" ]; then
  echo "no program at $program; build it (target fincyber) or pass its path" >&2
  exit 1
fi
program="$(cd "$(dirname "$program")" && pwd)/$(basename "$program")"

work="$(mktemp -d -t fincyber-bench.XXXXXX)"
chmod 755 "$work"  # nginx workers run as an unprivileged user and read www/ from here
server_pid=""
nginx_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  if [ "${KEEP_WORKDIR:-0}" = 1 ]; then
    echo "work directory kept: $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

g++ -std=c++20 -O2 -Wall -Wextra -Wpedantic -Werror -o "$work/slow_clients" \
  "$bench_dir/slow_clients.cc"

log() { echo "[bench] $*" >&2; }

# A free loopback port (asks the kernel's list of listeners, then checks again on bind).
free_port() {
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 20000))
    if [ -z "$(ss -Htln "sport = :$p")" ]; then echo "$p"; return; fi
  done
  echo "no free port found" >&2
  return 1
}

now_ns() { date +%s%N; }

# Waits until GET /api/v1/health answers 200 (polling every 10 ms, at most 60 s); prints
# the milliseconds since $1 (a now_ns value).
wait_healthy() {
  local start_ns=$1 port=$2 pid=$3
  for _ in $(seq 6000); do
    if curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/api/v1/health" 2>/dev/null; then
      echo $((($(now_ns) - start_ns) / 1000000))
      return
    fi
    kill -0 "$pid" 2>/dev/null || { echo "server exited during start-up" >&2; return 1; }
    sleep 0.01
  done
  echo "server not healthy after 60 s" >&2
  return 1
}

# "VmRSS VmHWM" of a process in MiB.
memory_mib() {
  awk '/^VmRSS:/ {rss = $2} /^VmHWM:/ {hwm = $2}
       END {printf "%.1f %.1f", rss / 1024, hwm / 1024}' "/proc/$1/status"
}

# Latency as wrk prints it (us, ms, s) in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000
    printf "%.2f", n }'
}

# Runs wrk and sets: rps p50 p99 max_ms socket_errors non2xx.
run_wrk() {
  local conns=$1 url=$2 script=${3:-} out="$work/wrk.out"
  local args=(-t "$wrk_threads" -c "$conns" -d "$duration" --latency --timeout 5s)
  [ -n "$script" ] && args+=(-s "$script")
  wrk "${args[@]}" "$url" >"$out" 2>&1 || { cat "$out" >&2; return 1; }
  cat "$out" >>"$work/wrk-all.log"
  rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$out")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
  max_ms=$(to_ms "$(awk '$1 == "Latency" {print $4; exit}' "$out")")
  socket_errors=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$out")
  socket_errors=${socket_errors:-0}
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$out")
  non2xx=${non2xx:-0}
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# --- fincyber demo: cold start with seeding ----------------------------------------------
port=$(free_port)
password="bench-$(date +%s)-password"
db="$work/demo.db"
log "starting fincyber demo on 127.0.0.1:$port"
start_ns=$(now_ns)
"$program" demo --database "$db" --listen "127.0.0.1:$port" --demo-password "$password" \
  >"$work/demo.out" 2>"$work/demo.err" &
server_pid=$!
demo_start_ms=$(wait_healthy "$start_ns" "$port" "$server_pid")
sleep 1
read -r demo_idle_rss demo_idle_hwm <<<"$(memory_mib "$server_pid")"
version=$(curl -fsS "http://127.0.0.1:$port/api/v1/health" |
  sed -n 's/.*"version":"\([^"]*\)".*/\1/p')

token=$("$program" token create --database "$db" --user coord --name bench | tail -n 1)
session=$(curl -fsS -o /dev/null -c - -H 'Content-Type: application/json' \
  -d "{\"username\":\"coord\",\"password\":\"$password\"}" \
  "http://127.0.0.1:$port/api/v1/auth/login" | awk '$6 == "fc_session" {print $7}')
if [ -z "$token" ] || [ -z "$session" ]; then
  echo "could not get a token or a session" >&2
  exit 1
fi
base="http://127.0.0.1:$port"
for path in /api/v1/me "/api/v1/orgs?limit=50"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$base$path")
  [ "$code" = 200 ] || { echo "GET $path answered $code" >&2; exit 1; }
done

# --- load: health, /me (session cookie and token), /orgs (token) -------------------------
declare -a rows=()
declare -A nginx_rps nginx_p99 health_p99
wrk -t "$wrk_threads" -c 64 -d 2s "$base/api/v1/health" >/dev/null  # warm-up, not reported

endpoints=(
  "GET /api/v1/health|none|$base/api/v1/health|"
  "GET /api/v1/me|session cookie|$base/api/v1/me|Cookie: fc_session=$session"
  "GET /api/v1/me|API token|$base/api/v1/me|Authorization: Bearer $token"
  "GET /api/v1/orgs?limit=50|API token|$base/api/v1/orgs?limit=50|Authorization: Bearer $token"
)
for entry in "${endpoints[@]}"; do
  IFS='|' read -r name auth url header <<<"$entry"
  for c in "${connections[@]}"; do
    log "wrk $name ($auth) at $c connections for $duration"
    if [ -n "$header" ]; then
      FC_BENCH_HEADER="$header" run_wrk "$c" "$url" "$bench_dir/auth.lua"
    else
      run_wrk "$c" "$url"
    fi
    [ "$name" = "GET /api/v1/health" ] && health_p99[$c]=$p99
    rows+=("$name|$auth|$c|$rps|$p50|$p99|$max_ms|$socket_errors|$non2xx")
  done
done
read -r demo_load_rss demo_load_hwm <<<"$(memory_mib "$server_pid")"

# --- slow clients held open while wrk loads /api/v1/health --------------------------------
declare -a slow_rows=()
for mode in idle slowloris; do
  for c in "${connections[@]}"; do
    log "$slow_count $mode clients + wrk health at $c connections"
    # The slow clients live for 20 s; wrk runs from second 1 to second 1 + DURATION.
    "$work/slow_clients" --port "$port" --connections "$slow_count" --seconds 20 \
      --mode "$mode" >"$work/slow.out" &
    slow_pid=$!
    sleep 1
    held=$(ss -Htn state established "( dport = :$port )" | wc -l)
    run_wrk "$c" "$base/api/v1/health"
    wait "$slow_pid"
    summary=$(sed 's/^slow_clients //' "$work/slow.out")
    slow_rows+=("$mode|$slow_count|$held|$c|$rps|$p50|$p99|$socket_errors|$non2xx|$summary")
  done
done
read -r demo_final_rss demo_final_hwm <<<"$(memory_mib "$server_pid")"

stop_ns=$(now_ns)
kill -TERM "$server_pid"
wait "$server_pid" || true
demo_stop_ms=$((($(now_ns) - stop_ns) / 1000000))
server_pid=""

# --- fincyber serve on the seeded file ----------------------------------------------------
port=$(free_port)
log "starting fincyber serve on the seeded database"
start_ns=$(now_ns)
"$program" serve --database "$db" --listen "127.0.0.1:$port" \
  >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
serve_start_ms=$(wait_healthy "$start_ns" "$port" "$server_pid")
sleep 1
read -r serve_idle_rss serve_idle_hwm <<<"$(memory_mib "$server_pid")"
kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=""

# --- optional: serve --threads N, health at every connection count -----------------------
declare -a sweep_rows=()
for n in "${thread_sweep[@]}"; do
  port=$(free_port)
  "$program" serve --database "$db" --listen "127.0.0.1:$port" --threads "$n" \
    >"$work/sweep.out" 2>"$work/sweep.err" &
  server_pid=$!
  wait_healthy "$(now_ns)" "$port" "$server_pid" >/dev/null
  wrk -t "$wrk_threads" -c 64 -d 2s "http://127.0.0.1:$port/api/v1/health" >/dev/null
  for c in "${connections[@]}"; do
    log "serve --threads $n: wrk health at $c connections"
    run_wrk "$c" "http://127.0.0.1:$port/api/v1/health"
    sweep_rows+=("$n|$c|$rps|$p50|$p99|$max_ms|$socket_errors|$non2xx")
  done
  kill -TERM "$server_pid"
  wait "$server_pid" || true
  server_pid=""
done

# --- nginx baseline: the same health body as a static file -------------------------------
port=$(free_port)
mkdir -p "$work/nginx/www"
chmod 755 "$work/nginx" "$work/nginx/www"
printf '{"database":"sqlite","status":"ok","version":"%s"}' "$version" \
  >"$work/nginx/www/health.json"
chmod 644 "$work/nginx/www/health.json"
sed -e "s|@PORT@|$port|g" -e "s|@ROOT@|$work/nginx|g" "$bench_dir/nginx.conf.in" \
  >"$work/nginx/nginx.conf"
log "starting nginx on 127.0.0.1:$port"
"$nginx_bin" -p "$work/nginx" -e "$work/nginx/nginx-error.log" -c "$work/nginx/nginx.conf" \
  -g 'daemon off; master_process on;' &
nginx_pid=$!
wait_healthy "$(now_ns)" "$port" "$nginx_pid" >/dev/null
wrk -t "$wrk_threads" -c 64 -d 2s "http://127.0.0.1:$port/api/v1/health" >/dev/null
declare -a nginx_rows=()
for c in "${connections[@]}"; do
  log "wrk nginx static health at $c connections"
  run_wrk "$c" "http://127.0.0.1:$port/api/v1/health"
  nginx_rps[$c]=$rps
  nginx_p99[$c]=$p99
  nginx_rows+=("nginx static file|none|$c|$rps|$p50|$p99|$max_ms|$socket_errors|$non2xx")
done
kill -TERM "$nginx_pid"
wait "$nginx_pid" || true
nginx_pid=""

# --- report ------------------------------------------------------------------------------
# Markdown table lines: the header (first column left-aligned, numbers right) and a row.
table_header() {
  local cells="" rule="|---|"
  for h in "$@"; do cells+=" $h |"; done
  for _ in $(seq 2 $#); do rule+="---:|"; done
  echo "|$cells"
  echo "$rule"
}
table_row() {
  local cells=""
  for v in "$@"; do cells+=" $v |"; done
  echo "|$cells"
}

report() {
  local cpu kernel
  cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
  kernel=$(uname -r)
  echo "# fincyber load benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "fincyber $version; $(nproc) cores ($cpu), Linux $kernel;" \
    "$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2); $("$nginx_bin" -v 2>&1 | cut -d' ' -f3)."
  echo "wrk: $wrk_threads threads, $duration per run, on the same cores as the server" \
    "(the numbers are for client and server sharing $(nproc) cores). Server: \`fincyber demo\`" \
    "defaults (2 I/O threads, info-level access log to stdout redirected to a file)."
  echo
  echo "## Requests/s and latency"
  echo
  table_header "endpoint" "auth" "conns" "req/s" "p50 ms" "p99 ms" "max ms" "socket errors" \
    "non-2xx" "req/s ÷ nginx" "p99 ÷ nginx"
  local r name auth c rps p50 p99 max err bad
  for r in "${rows[@]}" "${nginx_rows[@]}"; do
    IFS='|' read -r name auth c rps p50 p99 max err bad <<<"$r"
    table_row "$name" "$auth" "$c" "$rps" "$p50" "$p99" "$max" "$err" "$bad" \
      "$(ratio "$rps" "${nginx_rps[$c]}")" "$(ratio "$p99" "${nginx_p99[$c]}")"
  done
  echo
  echo "Ratios compare each row with nginx serving the health body as a static file at the" \
    "same connection count (for /me and /orgs that is a ceiling, not a like-for-like)."
  echo
  local c512=512 verdict
  if [ -n "${health_p99[$c512]:-}" ]; then
    verdict=$(awk -v p="${health_p99[$c512]}" 'BEGIN {print (p < 50) ? "met" : "NOT met"}')
    echo "Goal \"health p99 under 50 ms at 512 connections\": **$verdict**" \
      "(${health_p99[$c512]} ms)."
    echo
  fi
  echo "## Slow clients held open during the load"
  echo
  echo "Each row: $slow_count clients connect, then wrk loads /api/v1/health for $duration;" \
    "the clients stay for 20 s. idle = connected, sends nothing; slowloris = request line, then" \
    "one header line a second, never finishing the headers."
  echo
  table_header "mode" "slow clients" "established at wrk start" "wrk conns" "req/s" "p50 ms" \
    "p99 ms" "socket errors" "non-2xx" "what the server did with the slow clients"
  local mode n held summary
  for r in "${slow_rows[@]}"; do
    IFS='|' read -r mode n held c rps p50 p99 err bad summary <<<"$r"
    table_row "$mode" "$n" "$held" "$c" "$rps" "$p50" "$p99" "$err" "$bad" "\`$summary\`"
  done
  echo
  echo "## Start-up and memory"
  echo
  table_header "" "time to first 200 from /api/v1/health" "VmRSS MiB" "VmHWM MiB"
  table_row "\`fincyber demo\` (fresh file, seeding included), idle 1 s after start" \
    "${demo_start_ms} ms" "$demo_idle_rss" "$demo_idle_hwm"
  table_row "\`fincyber demo\` after the load runs" "" "$demo_load_rss" "$demo_load_hwm"
  table_row "\`fincyber demo\` after the slow-client runs" "" "$demo_final_rss" "$demo_final_hwm"
  table_row "\`fincyber serve\` on the seeded file, idle 1 s after start" \
    "${serve_start_ms} ms" "$serve_idle_rss" "$serve_idle_hwm"
  echo
  echo "Start-up is measured from launching the process to the first 200 (curl polling every" \
    "10 ms, so ±10 ms). SIGTERM to exit of \`fincyber demo\`: ${demo_stop_ms} ms."
  if ((${#sweep_rows[@]})); then
    echo
    echo "## \`fincyber serve --threads N\`, /api/v1/health"
    echo
    table_header "threads" "conns" "req/s" "p50 ms" "p99 ms" "max ms" "socket errors" "non-2xx"
    for r in "${sweep_rows[@]}"; do
      IFS='|' read -r n c rps p50 p99 max err bad <<<"$r"
      table_row "$n" "$c" "$rps" "$p50" "$p99" "$max" "$err" "$bad"
    done
  fi
}

if [ "$results_dir" = "-" ]; then
  report
else
  mkdir -p "$results_dir"
  out="$results_dir/$(date +%Y-%m-%d-%H%M%S).md"
  report | tee "$out"
  log "results written to ${out#"$repo"/}"
fi
