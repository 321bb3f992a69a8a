#!/usr/bin/env bash
# Federation push over real TAXII 2.1 on loopback: hub A sends a collection's news to a
# collection of hub B (another database, served) with `fincyber hub push`. Only the pushing
# organisation's own objects leave, every version, when they carry a TLP marking no wider
# than --max-tlp (never AMBER+STRICT or RED), and not what A received from another hub;
# the next push sends only what is new; errors have script-friendly exit codes.
# Usage: hub_push_test.sh path/to/fincyber
set -euo pipefail
bin=$1
work=$(mktemp -d)
source "$(dirname "${BASH_SOURCE[0]}")/hub_helpers.sh"
readonly GREEN=marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb
readonly AMBER=marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421
readonly STRICT=marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003
readonly RED=marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1
indicator() {  # indicator N MODIFIED [MARKING]
  printf '{"type": "indicator", "spec_version": "2.1", "id": "indicator--00000000-0000-4000-8000-%012d", "created": "2026-01-01T00:00:00.000Z", "modified": "%s", "name": "C2 %d", "pattern": "[domain-name:value = '"'"'c2-%d.example'"'"']", "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"%s}' \
    "$1" "$2" "$1" "$1" "${3:+, \"object_marking_refs\": [\"$3\"]}"
}
import() {  # import DB USER OBJECT...
  local db=$1 user=$2
  shift 2
  bundle "$@" >"$work/bundle.json"
  "$bin" import --database "$db" --collection indicators --as "$user" --bundle "$work/bundle.json" >/dev/null
}
ids_at_b() {
  "$bin" export --database "$db_b" --collection indicators --as b.member 2>/dev/null |
    python3 -c "import json,sys; print(' '.join(sorted(o['id'][-2:] + '@' + o['modified'][5:7] for o in json.load(sys.stdin).get('objects', []))))"
}

db_a=$work/a.db
db_b=$work/b.db
hub "$db_a" a.member a2.member >/dev/null
remote=$(hub "$db_b" b.member b2.member)
token=$("$bin" token create --database "$db_b" --user b.member --name federation | tail -n 1)

serve_hub "$db_b"

push() {  # push EXTRA_FLAGS...
  "$bin" hub push --database "$db_a" --to "$url" --collection "$remote" --token "$token" \
    --from indicators --as a.member "$@"
}

# B shares one object, which A pulls: it is not A's to send on.
import "$db_b" b.member "$(indicator 50 2026-01-01T00:00:00.000Z "$GREEN")"
check "A pulls B's object" 0 "$bin" hub sync --database "$db_a" --from "$url" \
  --collection "$remote" --token "$token" --into indicators --as a.member
import "$db_a" a.member "$(indicator 1 2026-01-01T00:00:00.000Z "$GREEN")" \
  "$(indicator 1 2026-02-01T00:00:00.000Z "$GREEN")" \
  "$(indicator 2 2026-01-01T00:00:00.000Z "$AMBER")" \
  "$(indicator 3 2026-01-01T00:00:00.000Z "$STRICT")" \
  "$(indicator 4 2026-01-01T00:00:00.000Z "$RED")" \
  "$(indicator 5 2026-01-01T00:00:00.000Z)"
import "$db_a" a2.member "$(indicator 6 2026-01-01T00:00:00.000Z "$GREEN")"
# A GREEN object meant for named organisations of hub A only.
a2_org=$("$bin" org list --database "$db_a" --format json |
  python3 -c "import json,sys; print([o['id'] for o in json.load(sys.stdin) if o['name_en'] == 'Bank a2.member'][0])")
recipients=$(indicator 9 2026-01-01T00:00:00.000Z "$GREEN" | python3 -c "
import json, sys; o = json.load(sys.stdin); o['x_fincyber_recipients'] = ['$a2_org']; print(json.dumps(o))")
import "$db_a" a.member "$recipients"

check "a dry run" 5 push --dry-run
expect "lists the two versions that would leave" test "$(grep -c "^would push: indicator--00000000-0000-4000-8000-000000000001 2026-0[12]-01T00:00:00.000Z$" "$work/out")" -eq 2
expect "and says so" grep -q "^would push 2 objects in 1 envelopes; not pushed: 1 unmarked, 3 by their TLP, 1 naming recipients, 0 too large" "$work/out"
expect "B received nothing" test "$(ids_at_b)" = "50@01"
check "first push: an unmarked object is left out" 5 push
expect "both versions of the green one" grep -q "^pushed 2 objects in 1 envelopes" "$work/out"
expect "counted" grep -q "not pushed: 1 unmarked, 3 by their TLP, 1 naming recipients, 0 too large, 0 refused by the remote; left 1 of other organisations and 1 received from other hubs" "$work/out"
expect "named recipients keep it home" grep -q "000000000009: it names its recipients on this hub" "$work/out"
expect "the unmarked one named" grep -q "^not pushed: indicator--00000000-0000-4000-8000-000000000005: no TLP marking" "$work/out"
expect "AMBER is above the default --max-tlp" grep -q "000000000002: TLP:AMBER is above --max-tlp" "$work/out"
expect "AMBER+STRICT never leaves" grep -q "000000000003: TLP:AMBER+STRICT is for the receiving organisation only" "$work/out"
expect "RED never leaves" grep -q "000000000004: TLP:RED is for its named recipients only" "$work/out"
expect "B has both versions of A's green one beside its own" test "$(ids_at_b)" = "01@02 50@01"

check "a second push with nothing new" 0 push
expect "nothing sent" grep -q "^pushed 0 objects in 0 envelopes; not pushed: 0 unmarked, 0 by their TLP, 0 naming recipients" "$work/out"

import "$db_a" a.member "$(indicator 7 2026-01-01T00:00:00.000Z "$GREEN")" \
  "$(indicator 1 2026-03-01T00:00:00.000Z "$GREEN")"
check "a push after changes" 0 push
expect "only the two new versions" grep -q "^pushed 2 objects in 1 envelopes" "$work/out"
expect "B has the update and the new one" test "$(ids_at_b)" = "01@03 07@01 50@01"

check "everything again, up to AMBER" 5 push --since 2000-01-01T00:00:00Z --max-tlp amber
expect "the amber one too, the rest as duplicates" grep -q "^pushed 5 objects in 1 envelopes; not pushed: 1 unmarked, 2 by their TLP, 1 naming recipients" "$work/out"
expect "B has the amber one" test "$(ids_at_b)" = "01@03 02@01 07@01 50@01"

# The remote refuses what it may not store: a version of an id that another of its
# members shared first. The refusal is named, and the rest goes in envelopes of at most
# 1,000 objects.
import "$db_b" b2.member "$(indicator 8 2026-01-01T00:00:00.000Z "$GREEN")"
python3 - "$work/many.json" <<'PY'
import json, sys
objects = [{"type": "indicator", "spec_version": "2.1",
            "id": f"indicator--00000000-0000-4000-9000-{n:012d}",
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
            "pattern": f"[domain-name:value = 'many-{n}.example']", "pattern_type": "stix",
            "valid_from": "2026-01-01T00:00:00Z",
            "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]}
           for n in range(1500)]
json.dump({"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000001",
           "objects": objects}, open(sys.argv[1], "w"))
PY
"$bin" import --database "$db_a" --collection indicators --as a.member --bundle "$work/many.json" >/dev/null
import "$db_a" a.member "$(indicator 8 2026-01-01T00:00:00.000Z "$GREEN")"
check "a push the remote partly refuses" 5 push
expect "the refusal named" grep -q "^refused by the remote: indicator--00000000-0000-4000-8000-000000000008: " "$work/out"
expect "the rest in two envelopes" grep -q "^pushed 1500 objects in 2 envelopes; not pushed: 0 unmarked, 0 by their TLP, 0 naming recipients, 0 too large, 1 refused by the remote" "$work/out"
check "then nothing more" 0 push
expect "nothing sent" grep -q "^pushed 0 objects" "$work/out"

# An object larger than the remote accepts in one request (its API root's
# max_content_length, 1 MiB by default) is named and left; the others still go.
python3 - "$work/large.json" <<'PY'
import json, sys
def indicator(n, description):
    return {"type": "indicator", "spec_version": "2.1",
            "id": f"indicator--00000000-0000-4000-a000-{n:012d}",
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
            "description": description, "pattern": f"[domain-name:value = 'large-{n}.example']",
            "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z",
            "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]}
json.dump({"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000002",
           "objects": [indicator(1, "x" * (1200 * 1024)), indicator(2, "small")]},
          open(sys.argv[1], "w"))
PY
"$bin" import --database "$db_a" --collection indicators --as a.member --bundle "$work/large.json" >/dev/null
check "a push with an object over the remote's request limit" 5 push
expect "named" grep -q "^not pushed: indicator--00000000-0000-4000-a000-000000000001: larger than the remote accepts (1048576 bytes a request)" "$work/out"
expect "the small one sent" grep -q "^pushed 1 objects in 1 envelopes; not pushed: 0 unmarked, 0 by their TLP, 0 naming recipients, 1 too large, 0 refused by the remote" "$work/out"

check "a wrong token" 1 "$bin" hub push --database "$db_a" --to "$url" --collection "$remote" \
  --token fct_wrong --from indicators --as a.member
check "a remote collection that does not exist" 3 "$bin" hub push --database "$db_a" --to "$url" \
  --collection 00000000-0000-4000-8000-000000000000 --token "$token" --from indicators \
  --as a.member --since 2000-01-01T00:00:00Z
check "an unknown local collection" 3 "$bin" hub push --database "$db_a" --to "$url" \
  --collection "$remote" --token "$token" --from nope --as a.member
check "--max-tlp red" 2 push --max-tlp red
check "--max-tlp of no level" 2 push --max-tlp purple
check "a bad --since" 2 push --since yesterday
check "no token" 2 "$bin" hub push --database "$db_a" --to "$url" --collection "$remote" \
  --from indicators --as a.member
kill "$server"; wait "$server" 2>/dev/null || true; server=
check "an unreachable remote" 4 push --attempts 2
expect "gave up after two attempts, and says so" grep -q "gave up after 2 attempts" "$work/err"

finish_checks
