#!/usr/bin/env bash
# `fincyber match` end to end: indicator files, log formats, gzip, stdin, threads, the
# match lines, the sightings bundle, warnings and script-friendly exit codes (0 no
# match, 1 matches, 2 usage or indicator problem, 3 an input not read to its end).
# Usage: match_cli_test.sh path/to/fincyber
set -euo pipefail
bin=$1
corpus=$(cd "$(dirname "$0")/../src/detect/testdata/corpus" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
passes=0
check() {  # check NAME EXPECTED_STATUS COMMAND...
  local name=$1 expected=$2
  shift 2
  local status=0
  "$@" >"$work/out" 2>"$work/err" || status=$?
  if [ "$status" -ne "$expected" ]; then
    echo "FAIL $name: exit $status, expected $expected"; head -20 "$work/out" "$work/err"
    failures=$((failures + 1))
  else
    echo "ok   $name"
    passes=$((passes + 1))
  fi
}
expect() {  # expect DESCRIPTION COMMAND...: a check on the last outputs
  if "${@:2}"; then passes=$((passes + 1)); else
    echo "FAIL $1"; head -20 "$work/out" "$work/err"; failures=$((failures + 1))
  fi
}

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

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
