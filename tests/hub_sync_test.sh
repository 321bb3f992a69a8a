#!/usr/bin/env bash
# Federation over real TAXII 2.1 on loopback: hub A serves a collection, hub B (another
# database) pulls it with `fincyber hub sync`; the second pull brings only what A gained
# since, updates and revocations included, deletions at A are carried (the manifest read
# at most once per --deletions-every), and errors have
# script-friendly exit codes.
# Usage: hub_sync_test.sh path/to/fincyber
set -euo pipefail
bin=$1
work=$(mktemp -d)
source "$(dirname "${BASH_SOURCE[0]}")/hub_helpers.sh"
indicator() {  # indicator N MODIFIED [REVOKED] [EXTRA_MEMBERS]
  printf '{"type": "indicator", "spec_version": "2.1", "id": "indicator--00000000-0000-4000-8000-%012d", "created": "2026-01-01T00:00:00.000Z", "modified": "%s", "name": "C2 %d", "pattern": "[domain-name:value = '"'"'c2-%d.example'"'"']", "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"%s%s}' \
    "$1" "$2" "$1" "$1" "${3:+, \"revoked\": true}" "${4:+, $4}"
}

db_a=$work/a.db
db_b=$work/b.db
remote=$(hub "$db_a" a.member)
hub "$db_b" b.member b2.member >/dev/null
token=$("$bin" token create --database "$db_a" --user a.member --name federation | tail -n 1)
bundle "$(indicator 1 2026-01-01T00:00:00.000Z)" "$(indicator 2 2026-01-01T00:00:00.000Z)" \
  "$(indicator 3 2026-01-01T00:00:00.000Z)" >"$work/first.json"
"$bin" import --database "$db_a" --collection indicators --as a.member --bundle "$work/first.json" >/dev/null

serve_hub "$db_a"

sync() {  # sync EXTRA_FLAGS...
  "$bin" hub sync --database "$db_b" --from "$url" --collection "$remote" --token "$token" \
    --into indicators --as b.member "$@"
}
count_b() {
  "$bin" export --database "$db_b" --collection indicators --as b.member 2>/dev/null |
    python3 -c "import json,sys; print(len(json.load(sys.stdin).get('objects', [])))"
}

check "first pull" 0 sync
expect "everything stored" grep -qx "stored 3, duplicates 0, failed 0" "$work/out"
expect "three received" grep -q "^received 3 objects" "$work/out"
expect "B has the three" test "$(count_b)" -eq 3
check "second pull with nothing new" 0 sync
expect "nothing received" grep -q "^received 0 objects" "$work/out"

# A gains a new object, a new version of one and a revocation of another.
bundle "$(indicator 4 2026-01-01T00:00:00.000Z)" "$(indicator 1 2026-02-01T00:00:00.000Z)" \
  "$(indicator 2 2026-02-01T00:00:00.000Z revoked)" >"$work/second.json"
"$bin" import --database "$db_a" --collection indicators --as a.member --bundle "$work/second.json" >/dev/null
check "pull after changes" 0 sync
expect "only the three new versions" grep -qx "stored 3, duplicates 0, failed 0" "$work/out"
expect "B has four objects, latest versions" test "$(count_b)" -eq 4
"$bin" export --database "$db_b" --collection indicators --as b.member --output "$work/b.json" 2>/dev/null
expect "the update and the revocation were carried" python3 -c "
import json
objects = {o['id']: o for o in json.load(open('$work/b.json'))['objects']}
assert objects['indicator--00000000-0000-4000-8000-000000000001']['modified'] == '2026-02-01T00:00:00.000Z'
assert objects['indicator--00000000-0000-4000-8000-000000000002'].get('revoked') is True
"
check "a full re-pull with --since finds only duplicates" 0 sync --since 2000-01-01T00:00:00Z
expect "all duplicates" grep -qx "stored 0, duplicates 6, failed 0" "$work/out"

# A deletes an object (TAXII DELETE); B's own object in the same collection stays.
bundle "$(indicator 9 2026-01-01T00:00:00.000Z)" >"$work/local.json"
"$bin" import --database "$db_b" --collection indicators --as b.member --bundle "$work/local.json" >/dev/null
delete_at_a() {  # delete_at_a N
  curl -fsS -o /dev/null -X DELETE -H "Authorization: Bearer $token" \
    -H "Accept: application/taxii+json;version=2.1" \
    "${url}api1/collections/$remote/objects/indicator--00000000-0000-4000-8000-$(printf %012d "$1")/"
}
delete_at_a 3
# The manifest was compared by the first pull, so within the hour it is not read again.
check "a pull soon after the last comparison" 0 sync
expect "says when deletions were checked" grep -q "^deletions at the remote last checked at .*; next check from .* (--deletions-every)$" "$work/out"
expect "nothing deleted yet: four from A and B's own" test "$(count_b)" -eq 5
check "pull after a deletion at the remote" 0 sync --deletions-every 0
expect "one deleted" grep -qx "deleted 1 objects the remote no longer has" "$work/out"
expect "B has three from A and its own" test "$(count_b)" -eq 4
"$bin" export --database "$db_b" --collection indicators --as b.member --output "$work/b.json" 2>/dev/null
expect "the deleted one is gone, B's own is kept" python3 -c "
import json
ids = {o['id'] for o in json.load(open('$work/b.json'))['objects']}
assert 'indicator--00000000-0000-4000-8000-000000000003' not in ids
assert 'indicator--00000000-0000-4000-8000-000000000009' in ids
"
check "a pull after it deletes nothing more" 0 sync --deletions-every 0
expect "none deleted" grep -qx "deleted 0 objects the remote no longer has" "$work/out"
delete_at_a 4
check "a pull that keeps what the remote deleted" 0 sync --keep-deleted
expect "no deletion checked" bash -c "! grep -q deleted '$work/out'"
expect "still four" test "$(count_b)" -eq 4
sleep 2
check "a pull once --deletions-every has passed deletes it" 0 sync --deletions-every 1
expect "one more deleted" grep -qx "deleted 1 objects the remote no longer has" "$work/out"
expect "B has three" test "$(count_b)" -eq 3

# TLP:AMBER+STRICT is for the receiving organisation only: not stored where B's other
# readers would see it; TLP:RED without recipients is seen here by B alone, so stored.
marked() { indicator "$1" 2026-01-01T00:00:00.000Z "" "\"object_marking_refs\": [\"$2\"]"; }
bundle "$(marked 10 marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003)" \
  "$(marked 11 marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1)" >"$work/marked.json"
"$bin" import --database "$db_a" --collection indicators --as a.member --bundle "$work/marked.json" >/dev/null
check "a pull with a TLP:AMBER+STRICT object" 5 sync
expect "named as not stored" grep -q "^not stored: indicator--00000000-0000-4000-8000-000000000010: TLP:AMBER+STRICT" "$work/out"
expect "only the red one stored" grep -qx "stored 1, duplicates 0, failed 0" "$work/out"
"$bin" export --database "$db_b" --collection indicators --as b.member --output "$work/b.json" 2>/dev/null
expect "B has the red one, not the strict one" python3 -c "
import json
ids = {o['id'] for o in json.load(open('$work/b.json'))['objects']}
assert 'indicator--00000000-0000-4000-8000-000000000011' in ids
assert 'indicator--00000000-0000-4000-8000-000000000010' not in ids
"

# An unmarked remote object takes the local collection's default (GREEN: B's other member
# sees it), or the level --unmarked-tlp gives (RED, no recipients: B's alone).
seen_by() {  # seen_by USER N: whether USER sees indicator N in B's collection
  "$bin" export --database "$db_b" --collection indicators --as "$1" 2>/dev/null |
    grep -q "indicator--00000000-0000-4000-8000-$(printf %012d "$2")"
}
not_seen_by() { ! seen_by "$@"; }
bundle "$(indicator 12 2026-01-01T00:00:00.000Z)" >"$work/unmarked.json"
"$bin" import --database "$db_a" --collection indicators --as a.member --bundle "$work/unmarked.json" >/dev/null
check "a pull with an unmarked object" 0 sync
expect "the local default: B's other member sees it" seen_by b2.member 12
bundle "$(indicator 13 2026-01-01T00:00:00.000Z)" >"$work/unmarked.json"
"$bin" import --database "$db_a" --collection indicators --as a.member --bundle "$work/unmarked.json" >/dev/null
check "a pull that marks unmarked objects TLP:RED" 0 sync --unmarked-tlp red
expect "stored" grep -qx "stored 1, duplicates 0, failed 0" "$work/out"
expect "B sees it" seen_by b.member 13
expect "B's other member does not" not_seen_by b2.member 13
check "--unmarked-tlp amber+strict" 2 sync --unmarked-tlp amber+strict
check "--unmarked-tlp of no level" 2 sync --unmarked-tlp purple

check "a wrong token" 1 "$bin" hub sync --database "$db_b" --from "$url" --collection "$remote" \
  --token fct_wrong --into indicators --as b.member
expect "named as an authentication failure" grep -qi "auth" "$work/err"
check "a remote collection that does not exist" 3 "$bin" hub sync --database "$db_b" --from "$url" \
  --collection 00000000-0000-4000-8000-000000000000 --token "$token" --into indicators --as b.member
check "an unknown local collection" 3 "$bin" hub sync --database "$db_b" --from "$url" \
  --collection "$remote" --token "$token" --into nope --as b.member
check "a bad --since" 2 sync --since yesterday
check "no token" 2 "$bin" hub sync --database "$db_b" --from "$url" --collection "$remote" \
  --into indicators --as b.member
# The remote goes away: the pull retries with back-off (1 s, 2 s, 4 s ...) and gives up
# at --attempts or --retry-for with exit 4, saying so; a remote back in time is pulled.
port=${url#http://127.0.0.1:}
port=${port%%/*}
kill "$server"; wait "$server" 2>/dev/null || true; server=
check "an unreachable remote" 4 sync --attempts 2
expect "gave up after two attempts, and says so" grep -q "gave up after 2 attempts" "$work/err"
started=$(date +%s)
check "an unreachable remote, retried for at most 4 s" 4 sync --attempts 100 --retry-for 4
expect "stopped at the time bound" test $(($(date +%s) - started)) -le 9
expect "the third wait (4 s) was not begun" grep -q "gave up after 3 attempts in 3 s" "$work/err"
check "a bad --attempts" 2 sync --attempts 0
check "a bad --retry-for" 2 sync --retry-for -1
check "a bad --deletions-every" 2 sync --deletions-every -1

bundle "$(indicator 5 2026-01-01T00:00:00.000Z)" >"$work/third.json"
"$bin" import --database "$db_a" --collection indicators --as a.member --bundle "$work/third.json" >/dev/null
sync --attempts 5 >"$work/out" 2>"$work/err" &
pulling=$!
sleep 1.5
serve_hub "$db_a" "$port"
status=0
wait "$pulling" || status=$?
expect "a remote back within the back-off is pulled" test "$status" -eq 0
expect "the new object arrived" grep -qx "stored 1, duplicates 0, failed 0" "$work/out"

finish_checks
