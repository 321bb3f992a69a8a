#!/usr/bin/env bash
# `fincyber match` against the real hub over TAXII 2.1 on loopback: indicators pulled
# incrementally with a state file (updates, revocations, invalid patterns), a collection
# the token may not read, a hub down at start, malformed TAXII answers, follow mode with
# refresh and periodic sightings while the hub goes away and comes back, rotation, a
# truncated gzip file followed, and the exit codes (4 no indicator set, 5 not reported).
# Usage: match_taxii_test.sh path/to/fincyber
set -euo pipefail
bin=$1
work=$(mktemp -d)
server=
matcher=
fake=
stop_server() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  server=
}
cleanup() {
  stop_server
  for pid in $matcher $fake; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  [ "${KEEP_WORK:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
source "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
cd "$work"
wait_for() {  # wait_for DESCRIPTION CONDITION: up to 15 s for CONDITION (evaluated) to hold
  for _ in $(seq 150); do
    if eval "$2" 2>/dev/null; then passes=$((passes + 1)); return 0; fi
    sleep 0.1
  done
  echo "FAIL $1 (waited 15 s)"; tail -20 "$work/follow.out" "$work/follow.err" 2>/dev/null || true
  failures=$((failures + 1))
}
free_port() {
  python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"
}
indicator() {  # indicator N MODIFIED DOMAIN [revoked]
  printf '{"type": "indicator", "spec_version": "2.1", "id": "indicator--00000000-0000-4000-8000-%012d", "created": "2026-01-01T00:00:00.000Z", "modified": "%s", "name": "C2 %d", "pattern": "[domain-name:value = '"'"'%s'"'"']", "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"%s}' \
    "$1" "$2" "$1" "$3" "${4:+, \"revoked\": true}"
}
id_of() { printf 'indicator--00000000-0000-4000-8000-%012d' "$1"; }
bundle() {  # bundle OBJECT...
  local IFS=,
  printf '{"type": "bundle", "id": "bundle--%s", "objects": [%s]}' "$(cat /proc/sys/kernel/random/uuid)" "$*"
}
db=$work/hub.db
import() {  # import AS COLLECTION OBJECT...
  local as=$1 into=$2
  shift 2
  bundle "$@" >"$work/import.json"
  "$bin" import --database "$db" --collection "$into" --as "$as" --bundle "$work/import.json" >/dev/null
}
port=$(free_port)
base=http://127.0.0.1:$port
url=$base/taxii2/
start_server() {
  "$bin" serve --database "$db" --listen "127.0.0.1:$port" >>"$work/serve.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -sf "$base/api/v1/health" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "the server did not start"; cat "$work/serve.log"; exit 1
}

# Banks A and B share a collection; X is outside the group and has a collection of its own.
"$bin" migrate --database "$db" >/dev/null
bank_a=$("$bin" org add --database "$db" --sector regional_bank --name-ja 甲銀行 --name-en "Bank A")
bank_b=$("$bin" org add --database "$db" --sector shinkin_bank --name-ja 乙信金 --name-en "Bank B")
outsider=$("$bin" org add --database "$db" --sector securities --name-ja 丙証券 --name-en "Outsider")
members=$("$bin" group add --database "$db" --name-ja 会員 --name-en Members --member "$bank_a" --member "$bank_b")
only_x=$("$bin" group add --database "$db" --name-ja 丙 --name-en X --member "$outsider")
for user in a.member:$bank_a b.member:$bank_b x.member:$outsider; do
  "$bin" user add --database "$db" --org "${user#*:}" --username "${user%%:*}" --display-name "${user%%:*}" >/dev/null
done
shared=$("$bin" collection add --database "$db" --title Indicators --alias indicators \
  --read-group "$members" --write-group "$members")
secret=$("$bin" collection add --database "$db" --title Secret --alias secret \
  --read-group "$only_x" --write-group "$only_x")
token_a=$("$bin" token create --database "$db" --user a.member --name owner | tail -n 1)
token_b=$("$bin" token create --database "$db" --user b.member --name matcher | tail -n 1)

# The hub refuses invalid patterns; one it accepts but a log record cannot decide:
stateful='{"type": "indicator", "spec_version": "2.1", "id": "indicator--00000000-0000-4000-8000-000000000009", "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z", "pattern": "[domain-name:value = '"'"'a.example'"'"'] FOLLOWEDBY [domain-name:value = '"'"'b.example'"'"']", "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"}'
import a.member indicators "$(indicator 1 2026-01-01T00:00:00.000Z c2-1.example)" \
  "$(indicator 2 2026-01-01T00:00:00.000Z c2-2.example)" "$stateful"
import x.member secret "$(indicator 7 2026-01-01T00:00:00.000Z secret.example)"
printf 'GET http://www.c2-1.example/\nGET http://c2-2.example/\nGET http://c2-5.example/\nGET http://secret.example/\n' >"$work/proxy.log"

match() {  # match STATE EXTRA... (logs last)
  local state=$1
  shift
  "$bin" match --taxii "$url" --collection "$shared" --token "$token_b" --state "$state" "$@"
}

check "hub down at start, nothing saved: exit 4" 4 match "$work/state" "$work/proxy.log"
expect "the failure is named" grep -q "error: no indicators: .*unreachable\|error: no indicators: .*connect" "$work/err"
expect "no state file written" test ! -e "$work/state"

start_server
check "first pull" 1 match "$work/state" "$work/proxy.log"
expect "three objects pulled, two indicators added" grep -q "pulled 3 object(s) from .*: 3 added" "$work/err"
expect "the FOLLOWEDBY pattern is named" grep -q "indicator indicator--00000000-0000-4000-8000-000000000009: not used: FOLLOWEDBY" "$work/err"
expect "matches of c2-1 and c2-2 only" test "$(grep -c '"indicator"' "$work/out")" -eq 2
expect "nothing of the other collection" bash -c "! grep -q secret.example '$work/out'"
expect "state file written" test -s "$work/state"
check "a restart pulls nothing new" 1 match "$work/state" "$work/proxy.log"
expect "state reused" grep -q "state file .*: 3 indicators" "$work/err"
expect "nothing pulled" grep -q "pulled 0 object(s)" "$work/err"

import a.member indicators "$(indicator 1 2026-02-01T00:00:00.000Z c2-1.example)" \
  "$(indicator 2 2026-02-01T00:00:00.000Z c2-2.example revoked)" \
  "$(indicator 5 2026-01-01T00:00:00.000Z c2-5.example)"
check "only the changes are pulled" 1 match "$work/state" "$work/proxy.log"
expect "one added, one updated, one removed" grep -q "pulled 3 object(s) from .*: 1 added, 1 updated, 1 removed" "$work/err"
expect "the revoked indicator no longer matches" bash -c "! grep -q '$(id_of 2)' '$work/out'"
expect "the new one does" grep -q "$(id_of 5)" "$work/out"

check "a collection the token may not read: exit 4" 4 "$bin" match --taxii "$url" \
  --collection "$secret" --token "$token_b" --state "$work/secret.state" "$work/proxy.log"
expect "said not found, nothing matched" bash -c "grep -qi 'not found' '$work/err' && ! test -s '$work/out'"
expect "no state kept of it" test ! -e "$work/secret.state"
check "a wrong token: exit 4" 4 "$bin" match --taxii "$url" --collection "$shared" \
  --token fct_wrong --state "$work/wrong.state" "$work/proxy.log"
check "a state file of another collection is not used" 4 "$bin" match --taxii "$url" \
  --collection "$secret" --token "$token_b" --state "$work/state" "$work/proxy.log"
expect "said so" grep -q "is of another source" "$work/err"

check "no --collection" 2 "$bin" match --taxii "$url" --token "$token_b" "$work/proxy.log"
check "no token" 2 env -u FINCYBER_MATCH_TOKEN "$bin" match --taxii "$url" --collection "$shared" "$work/proxy.log"
check "token from the environment" 1 env FINCYBER_MATCH_TOKEN="$token_b" "$bin" match --taxii "$url" \
  --collection "$shared" --state "$work/state" "$work/proxy.log"
check "--help lists the exit codes" 0 "$bin" match --help
expect "exit code 4 documented" grep -q "4 no indicator set" "$work/out"

# Another TAXII server: discovery fine, the objects page broken in several ways, or a
# page with an invalid pattern beside a good one.
fake_port=$(free_port)
cat >"$work/fake.py" <<'PY'
import http.server, json, sys
port, mode = int(sys.argv[1]), sys.argv[2]
class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args): pass
    def do_GET(self):
        taxii = 'application/taxii+json;version=2.1'
        if self.path == '/taxii2/':
            body, kind = json.dumps({'title': 't', 'default': 'http://127.0.0.1:%d/api1/' % port}), taxii
        elif mode == 'html':
            body, kind = '<html>oops</html>', 'text/html'
        elif mode == 'json':
            body, kind = '{"objects": [', taxii
        elif mode == 'invalid':
            def indicator(n, pattern):
                return {'type': 'indicator', 'spec_version': '2.1', 'id': 'indicator--00000000-0000-4000-8000-%012d' % n,
                        'created': '2026-01-01T00:00:00.000Z', 'modified': '2026-01-01T00:00:00.000Z',
                        'pattern': pattern, 'pattern_type': 'stix', 'valid_from': '2026-01-01T00:00:00Z'}
            body = json.dumps({'more': False, 'objects': [indicator(1, "[domain-name:value = 'c2-1.example']"),
                                                          indicator(8, "[domain-name:value = ")]})
            kind = taxii
        else:
            body, kind = json.dumps({'more': 'yes', 'objects': {}}), taxii
        data = body.encode()
        self.send_response(200)
        self.send_header('Content-Type', kind)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)
http.server.HTTPServer(('127.0.0.1', port), Handler).serve_forever()
PY
for mode in html json types; do
  python3 "$work/fake.py" "$fake_port" "$mode" &
  fake=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$fake_port/taxii2/" >/dev/null 2>&1 && break; sleep 0.1; done
  check "malformed TAXII answer ($mode): exit 4" 4 "$bin" match --taxii "http://127.0.0.1:$fake_port/taxii2/" \
    --collection c --token t --state "$work/fake.state" "$work/proxy.log"
  expect "a message, no crash ($mode)" grep -q "error: no indicators:" "$work/err"
  kill "$fake"; wait "$fake" 2>/dev/null || true; fake=
done
python3 "$work/fake.py" "$fake_port" invalid &
fake=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$fake_port/taxii2/" >/dev/null 2>&1 && break; sleep 0.1; done
check "an invalid pattern over TAXII is skipped, the rest used" 1 "$bin" match \
  --taxii "http://127.0.0.1:$fake_port/taxii2/" --collection c --token t --state "$work/fake.state" "$work/proxy.log"
expect "and named" grep -q "indicator indicator--00000000-0000-4000-8000-000000000008: not used: the pattern is invalid" "$work/err"
kill "$fake"; wait "$fake" 2>/dev/null || true; fake=

stop_server
check "hub down, saved state: scans with the last good set" 1 match "$work/state" "$work/proxy.log"
expect "said once" test "$(grep -c 'indicator source unavailable' "$work/err")" -eq 1
expect "the saved set matched" grep -q "$(id_of 5)" "$work/out"
check "sightings not reported: exit 5 and a file" 5 match "$work/state" --report-to "$url" \
  --identity identity--11111111-2222-4333-8444-555555555555 --sightings "$work/kept.json" "$work/proxy.log"
expect "the sightings are in the file" python3 -c "
import json
b = json.load(open('$work/kept.json'))
assert sorted(o['sighting_of_ref'] for o in b['objects']) == ['$(id_of 1)', '$(id_of 5)'], b
"

# Follow mode: refresh every second, sightings every second, while the hub goes away.
start_server
: >"$work/app.log"
"$bin" match --taxii "$url" --collection "$shared" --token "$token_b" --state "$work/state" \
  --refresh 1 --follow --report-to "$url" --report-every 1 --output "$work/follow.out" \
  "$work/app.log" 2>"$work/follow.err" &
matcher=$!
hits() { grep -c "\"indicator\":\"$(id_of "$1")\"" "$work/follow.out" 2>/dev/null || true; }
wait_for "follow started" 'grep -q "loaded and compiled" "$work/follow.err"'
echo "GET http://c2-1.example/a" >>"$work/app.log"
wait_for "a line appended is matched" 'test "$(hits 1)" -eq 1'
import a.member indicators "$(indicator 6 2026-01-01T00:00:00.000Z c2-6.example)"
wait_for "the new indicator is pulled and swapped in" 'grep -q "indicator set updated (1 added" "$work/follow.err"'
expect "the FOLLOWEDBY pattern is named once, not again at a refresh" \
  test "$(grep -c 'indicator--00000000-0000-4000-8000-000000000009: not used' "$work/follow.err")" -eq 1
echo "GET http://c2-6.example/" >>"$work/app.log"
wait_for "and used for the lines after" 'test "$(hits 6)" -eq 1'
mv "$work/app.log" "$work/app.log.1"
echo "GET http://c2-1.example/b" >>"$work/app.log"
wait_for "the file after rotation is read" 'test "$(hits 1)" -eq 2'
sightings_of() {  # the hub's count of an indicator's sightings seen by bank A (-1: not one sighting)
  curl -sf -H "Authorization: Bearer $token_a" "$base/api/v1/sharing/objects/$(id_of "$1")/sightings" |
    python3 -c "import json, sys; s = json.load(sys.stdin); print(s['count'] if s['sightings'] == 1 else -1)"
}
wait_for "sightings reach the hub while following, counted once per record" 'test "$(sightings_of 1)" -eq 2'
stop_server
wait_for "the hub going away is said once" 'grep -q "indicator source unavailable" "$work/follow.err"'
echo "GET http://c2-6.example/again" >>"$work/app.log"
wait_for "scanning goes on with the last good set" 'test "$(hits 6)" -eq 2'
wait_for "reporting failures are said" 'grep -q "sightings not reported" "$work/follow.err"'
sleep 2
expect "once per failure streak" test "$(grep -c 'indicator source unavailable' "$work/follow.err")" -eq 1
start_server
wait_for "the source is back" 'grep -q "indicator source reachable again" "$work/follow.err"'
wait_for "sightings kept while the hub was away are reported" 'test "$(sightings_of 6)" -eq 2'
kill -TERM "$matcher"
status=0
wait "$matcher" || status=$?
matcher=
expect "SIGTERM ends follow mode cleanly with matches: exit 1 (was $status)" test "$status" -eq 1
expect "no error at the end" bash -c "! grep -q '^error' '$work/follow.err'"
expect "the sightings name bank B's identity" python3 -c "
import json, subprocess
out = subprocess.run(['$bin', 'export', '--database', '$db', '--collection', 'indicators', '--as', 'a.member'],
                     capture_output=True, text=True, check=True).stdout
sightings = [o for o in json.loads(out)['objects'] if o['type'] == 'sighting' and o['sighting_of_ref'] == '$(id_of 6)']
assert sightings and all(o['where_sighted_refs'] == ['identity--$bank_b'] for o in sightings), sightings
"

# A truncated gzip file followed, then stopped.
python3 -c "
import gzip
with gzip.open('$work/full.gz', 'wt') as f:
    for i in range(50000):
        f.write('GET http://c2-1.example/%d\n' % i)
"
head -c 30000 "$work/full.gz" >"$work/cut.gz"
"$bin" match --taxii "$url" --collection "$shared" --token "$token_b" --state "$work/state" \
  --follow --output "$work/follow-gz.out" "$work/cut.gz" 2>"$work/follow-gz.err" &
matcher=$!
wait_for "what the cut file holds is matched" 'test "$(grep -c c2-1 "$work/follow-gz.out")" -gt 100'
kill -INT "$matcher"
status=0
wait "$matcher" || status=$?
matcher=
expect "stopped on a cut gzip stream: exit 3 (was $status)" test "$status" -eq 3
expect "named" grep -q "cut.gz: truncated gzip data" "$work/follow-gz.err"

finish_checks
