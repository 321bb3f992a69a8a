#!/usr/bin/env bash
# `fincyber match` end to end: indicator files, log formats, gzip, stdin, threads, the
# match lines, the sightings bundle, warnings, follow mode with a refreshed indicator
# file, stopping on a signal, the progress line, and script-friendly exit codes (0 no
# match, 1 matches, 2 usage or indicator problem, 3 an input not read to its end).
# Usage: match_cli_test.sh path/to/fincyber
set -euo pipefail
bin=$1
corpus=$(cd "$(dirname "$0")/../src/detect/testdata/corpus" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/checks.sh"

identity=identity--11111111-2222-4333-8444-555555555555
cut -f2 "$corpus/cases.txt" | grep -v '^#' >"$work/cases.log"
expected=$(grep -v '^#' "$corpus/cases.txt" | cut -f1 | tr ',' '\n' | grep -vc '^-$')

check "corpus: every planted hit, nothing else" 1 "$bin" match \
  --indicators "$corpus/indicators.csv" --indicators "$corpus/indicators.json" \
  --format text --sightings "$work/sightings.json" --identity "$identity" "$work/cases.log"
expect "one match line per expected hit ($expected)" test "$(wc -l <"$work/out")" -eq "$expected"
expect "the FOLLOWEDBY indicator is named" grep -q "indicator--00000000-0000-4000-8000-000000000003: not used: FOLLOWEDBY" "$work/err"
expect "the invalid pattern is named" grep -q "indicator--00000000-0000-4000-8000-000000000004: not used: the pattern is invalid" "$work/err"
expect "match lines are JSON with the record" python3 -c "
import json, sys
for line in open('$work/out'):
    m = json.loads(line)
    assert {'file', 'line', 'offset', 'indicator', 'kind', 'observable', 'record'} <= m.keys(), m
    if 'matched' in m:
        assert m['matched'] in m['record'], m
"
expect "sightings: a STIX bundle, one per STIX indicator seen" python3 -c "
import json
bundle = json.load(open('$work/sightings.json'))
assert bundle['type'] == 'bundle'
refs = sorted(o['sighting_of_ref'] for o in bundle['objects'])
assert refs == ['indicator--00000000-0000-4000-8000-000000000001',
                'indicator--00000000-0000-4000-8000-000000000002',
                'indicator--00000000-0000-4000-8000-000000000005'], refs
for o in bundle['objects']:
    assert o['type'] == 'sighting' and o['spec_version'] == '2.1'
    assert o['where_sighted_refs'] == ['$identity'] and o['count'] >= 1
    assert o['first_seen'] <= o['last_seen']
"

printf '1700000000.123    245 10.1.2.3 TCP_MISS/200 1234 GET http://www.evil.example/x - HIER_DIRECT/203.0.113.200 text/html\n' >"$work/squid.log"
gzip -c "$work/squid.log" >"$work/squid.log.gz"
check "gzip squid log with log times" 1 "$bin" match --indicators "$corpus/indicators.csv" \
  --quiet "$work/squid.log.gz"
expect "two indicators in one squid line" test "$(wc -l <"$work/out")" -eq 2
expect "the log's time is reported" grep -q '"time":"2023-11-14T22:13:20.123Z"' "$work/out"

check "stdin, no match" 0 sh -c "echo 'nothing to see at notevil.example' | \"$bin\" match \
  --indicators \"$corpus/indicators.csv\" --quiet"
check "stdin as '-', a match" 1 sh -c "echo 'GET evil.example' | \"$bin\" match \
  --indicators \"$corpus/indicators.csv\" --quiet -"

printf '{"req":{"url":"http://bad.example/login.php?user=a b"}}\n{"msg":"www.evil\\u002eexample"}\n' >"$work/app.json"
check "JSON lines with a field mapping" 1 "$bin" match --indicators "$corpus/indicators.csv" \
  --json-field url=req.url --quiet "$work/app.json"
expect "both JSON records match" test "$(wc -l <"$work/out")" -eq 2

python3 -c "
import gzip
with gzip.open('$work/big.gz', 'wt') as f:
    for i in range(200000):
        f.write('line %d evil.example\n' % i)
"
head -c 20000 "$work/big.gz" >"$work/cut.gz"
check "truncated gzip: partial, matches before the cut kept" 3 "$bin" match \
  --indicators "$corpus/indicators.csv" --output "$work/cut.jsonl" "$work/cut.gz" "$work/squid.log"
expect "the error names the file and the problem" grep -q "cut.gz: truncated gzip data" "$work/err"
expect "matches before the cut were written" test "$(wc -l <"$work/cut.jsonl")" -gt 100

python3 -c "
import sys
with open('$work/long.log', 'w') as f:
    f.write('a' * (2 << 20) + ' evil.example\n')
    f.write('evil.example\n')
"
check "over-long lines skipped and counted" 1 "$bin" match --indicators "$corpus/indicators.csv" \
  --max-line-bytes 65536 "$work/long.log"
expect "the summary counts the skipped line" grep -q "1 line(s) longer than 65536 bytes skipped" "$work/err"

for i in $(seq 1 3000); do echo "row $i evil.example"; done >"$work/many.log"
check "four threads over several files" 1 "$bin" match --indicators "$corpus/indicators.csv" \
  --threads 4 --quiet "$work/many.log" "$work/many.log" "$work/squid.log"
expect "every line of every file" test "$(wc -l <"$work/out")" -eq 6002

check "missing indicator file" 2 "$bin" match --indicators "$work/none.csv" "$work/squid.log"
check "no usable indicator" 2 sh -c "echo 'phone,123' >\"$work/bad.csv\"; \"$bin\" match \
  --indicators \"$work/bad.csv\" \"$work/squid.log\""
check "no --indicators" 2 "$bin" match "$work/squid.log"
check "bad --identity" 2 "$bin" match --indicators "$corpus/indicators.csv" --identity acme \
  "$work/squid.log"
check "bad --json-field" 2 "$bin" match --indicators "$corpus/indicators.csv" --json-field url \
  "$work/squid.log"
check "unreadable log: partial" 3 "$bin" match --indicators "$corpus/indicators.csv" \
  "$work/none.log" "$work/squid.log"
head -c 100000 /dev/urandom >"$work/garbage.bin"
check "binary garbage: no crash" 0 "$bin" match --indicators "$corpus/indicators.csv" \
  --quiet "$work/garbage.bin"

# Follow mode over files: growth, an indicator file changed under --refresh, SIGTERM.
printf 'type,value,id\ndomain,evil.example,indicator--00000000-0000-4000-8000-0000000000e1\n' >"$work/live.csv"
: >"$work/live.log"
"$bin" match --indicators "$work/live.csv" --refresh 1 --follow --output "$work/live.jsonl" \
  --sightings "$work/live-sightings.json" --identity "$identity" "$work/live.log" 2>"$work/live.err" &
follower=$!
until_true() {  # until_true CONDITION: up to 15 s
  for _ in $(seq 150); do eval "$1" && return 0; sleep 0.1; done
  return 1
}
until_true 'grep -q "loaded and compiled" "$work/live.err"'
echo "first evil.example" >>"$work/live.log"
expect "follow: an appended line is matched" until_true '[ "$(wc -l <"$work/live.jsonl")" -eq 1 ]'
printf 'domain,other.example,indicator--00000000-0000-4000-8000-0000000000e2\n' >>"$work/live.csv"
expect "refresh: the changed file is compiled and swapped in" \
  until_true 'grep -q "indicator set updated: 2 indicators" "$work/live.err"'
echo "then other.example" >>"$work/live.log"
expect "and used" until_true 'grep -q other.example "$work/live.jsonl"'
kill -TERM "$follower"
status=0
wait "$follower" || status=$?
expect "SIGTERM ends follow mode: exit 1 with matches (was $status)" test "$status" -eq 1
expect "sightings written at the end, one per indicator" python3 -c "
import json
b = json.load(open('$work/live-sightings.json'))
assert sorted(o['sighting_of_ref'][-2:] for o in b['objects']) == ['e1', 'e2'], b
"

# Without --follow, SIGINT stops a scan: what was read is reported, exit 3.
mkfifo "$work/slow.pipe"
(echo "evil.example before the signal"; sleep 30) >"$work/slow.pipe" &
writer=$!
"$bin" match --indicators "$corpus/indicators.csv" --output "$work/stopped.jsonl" \
  "$work/slow.pipe" 2>"$work/stopped.err" &
scanner=$!
until_true 'grep -q "loaded and compiled" "$work/stopped.err"'
sleep 0.5
kill -INT "$scanner"
status=0
wait "$scanner" || status=$?
kill "$writer" 2>/dev/null || true; wait "$writer" 2>/dev/null || true
expect "SIGINT: exit 3, the scan said stopped (was $status)" test "$status" -eq 3
expect "named" grep -q "stopped before the end" "$work/stopped.err"
expect "the match before the signal kept" test "$(wc -l <"$work/stopped.jsonl")" -eq 1

# Progress on a terminal only.
check "no progress line when stderr is not a terminal" 1 sh -c "(cat '$work/many.log'; sleep 1.2; \
  cat '$work/many.log') | '$bin' match --indicators '$corpus/indicators.csv' --output /dev/null"
expect "no terminal control characters" bash -c "! grep -q \$'\\033' '$work/err'"
check "a progress line on a terminal" 0 script -qec "(cat '$work/many.log'; sleep 1.2; \
  cat '$work/many.log') | '$bin' match --indicators '$corpus/indicators.csv' --output /dev/null; true" /dev/null
expect "bytes and rate shown" grep -q "kB/s" "$work/out"

check "--collection without --taxii" 2 "$bin" match --indicators "$corpus/indicators.csv" \
  --collection x "$work/squid.log"

finish_checks
