#!/usr/bin/env bash
# The sharing hub's operator commands end to end on a fresh SQLite file: collections,
# import of a STIX bundle (good and bad objects), a MISP feed folder and a CSV, export
# in every format as each organisation sees it, warning-list hits, and the exit codes
# (0 done, 1 refused, 2 bad input, 3 not found, 5 some objects refused or left out).
# Usage: sharing_cli_test.sh path/to/fincyber
set -euo pipefail
bin=$1
misp=$(cd "$(dirname "$0")/../src/sharing/testdata/misp" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=$work/hub.db
source "$(dirname "${BASH_SOURCE[0]}")/checks.sh"

# Two member banks and an outsider; one trust group of the two banks.
"$bin" migrate --database "$db" >/dev/null
bank_a=$("$bin" org add --database "$db" --sector regional_bank --name-ja 甲銀行 --name-en "Bank A")
bank_b=$("$bin" org add --database "$db" --sector shinkin_bank --name-ja 乙信金 --name-en "Bank B")
outsider=$("$bin" org add --database "$db" --sector securities --name-ja 丙証券 --name-en "Outsider")
members=$("$bin" group add --database "$db" --name-ja 会員 --name-en Members --member "$bank_a" \
  --member "$bank_b")
for user in a.member:$bank_a b.member:$bank_b x.member:$outsider; do
  "$bin" user add --database "$db" --org "${user#*:}" --username "${user%%:*}" \
    --display-name "${user%%:*}" >/dev/null
done

check "collection add" 0 "$bin" collection add --database "$db" --title "Indicators" \
  --alias indicators --read-group "$members" --write-group "$members" --default-tlp green
collection=$(cat "$work/out")
check "collection add (MISP)" 0 "$bin" collection add --database "$db" --title "MISP feed" \
  --alias misp --read-group "$members" --write-group "$members" --default-tlp amber
check "collection add rejects a taken title" 1 "$bin" collection add --database "$db" \
  --title "Indicators" --read-group "$members" --write-group "$members"
check "collection add rejects an unknown group" 2 "$bin" collection add --database "$db" \
  --title "Other" --read-group nope --write-group "$members"
expect "the unknown group is named" grep -q "read_group_id: no such trust group" "$work/err"
check "collection add rejects an unknown TLP" 2 "$bin" collection add --database "$db" \
  --title "Other" --read-group "$members" --write-group "$members" --default-tlp purple
check "collection list" 0 "$bin" collection list --database "$db" --as b.member --format json
expect "a member sees both collections" test "$(grep -c '"title"' "$work/out")" -eq 2
check "collection list for an outsider" 0 "$bin" collection list --database "$db" --as x.member \
  --format json
expect "an outsider sees none" grep -qx '\[\]' "$work/out"
check "collection list for an unknown user" 3 "$bin" collection list --database "$db" --as ghost

# A bundle: two good indicators (one TLP:RED), one on a warning list, one with a broken
# pattern, one missing valid_from, and an element that is not an object.
indicator() {  # indicator ID DOMAIN [MARKING]
  local marking=${3:+, \"object_marking_refs\": [\"$3\"]}
  printf '{"type": "indicator", "spec_version": "2.1", "id": "indicator--%s", "created": "2026-01-10T00:00:00.000Z", "modified": "2026-01-10T00:00:00.000Z", "name": "Phishing %s", "pattern": "[domain-name:value = '"'"'%s'"'"']", "pattern_type": "stix", "valid_from": "2026-01-10T00:00:00Z"%s}' \
    "$1" "$2" "$2" "$marking"
}
red=marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1
{
  echo '{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": ['
  indicator 11111111-1111-4111-8111-111111111111 login-secure-bank.example; echo ,
  indicator 22222222-2222-4222-8222-222222222222 red-only.example "$red"; echo ,
  indicator 33333333-3333-4333-8333-333333333333 google.com; echo ,
  indicator 44444444-4444-4444-8444-444444444444 "bad pattern" | sed "s/\[domain-name:value = 'bad pattern'\]/[domain-name:value = /"; echo ,
  indicator 55555555-5555-4555-8555-555555555555 no-valid-from.example | sed 's/, "valid_from": "[^"]*"//'; echo ,
  echo '42'
  echo ']}'
} >"$work/bundle.json"

check "import a bundle with bad objects" 5 "$bin" import --database "$db" --collection "$collection" \
  --as a.member --bundle "$work/bundle.json"
expect "counts" grep -qx "stored 3, duplicates 0, failed 3, warning-list hits 1" "$work/out"
expect "the broken pattern is named" grep -q "^failed: indicator--44444444-4444-4444-8444-444444444444: pattern" "$work/out"
expect "the missing property is named" grep -q "^failed: indicator--55555555-5555-4555-8555-555555555555: valid_from" "$work/out"
expect "the element that is not an object is named" grep -q "^failed: objects\[5\]: " "$work/out"
expect "the warning-list hit is named" grep -q "^warning: indicator--33333333-3333-4333-8333-333333333333: on warning list 'fincyber: well-known sites' (google.com)" "$work/out"
expect "no progress line when not a terminal" test ! -s "$work/err"
check "import the same bundle again" 5 "$bin" import --database "$db" --collection indicators \
  --as a.member --bundle "$work/bundle.json"
expect "duplicates counted" grep -qx "stored 0, duplicates 3, failed 3" "$work/out"

printf 'type,value,name,tlp\ndomain,netbank-verify.example,Phishing,green\nipv4,198.51.100.23,C2,amber\nipv4,999.1.1.1,Broken,green\nsha256,%s,Dropper,green\n' \
  "$(printf 'dropper' | sha256sum | cut -d' ' -f1)" >"$work/indicators.csv"
check "import a CSV with a bad row" 5 "$bin" import --database "$db" --collection indicators \
  --as b.member --csv "$work/indicators.csv"
expect "CSV counts" grep -qx "stored 3, duplicates 0, failed 1" "$work/out"
expect "the bad row is named by line" grep -q "^failed: line 4: line 4, column 'value'" "$work/out"

check "import a MISP feed folder" 0 "$bin" import --database "$db" --collection misp \
  --as a.member --misp "$misp"
expect "MISP objects stored" grep -qE "^stored [1-9][0-9]*, duplicates 0, failed 0" "$work/out"
expect "the missing event file is noted" grep -q "^not converted: .*c3b5a7e9-1d2f-4a6b-8c0e-2f4a6c8e0a2c" "$work/out"

check "import needs a source" 2 "$bin" import --database "$db" --collection indicators --as a.member
check "import takes one source" 2 "$bin" import --database "$db" --collection indicators \
  --as a.member --csv "$work/indicators.csv" --bundle "$work/bundle.json"
check "import into an unknown collection" 3 "$bin" import --database "$db" --collection nope \
  --as a.member --csv "$work/indicators.csv"
check "import by an outsider" 3 "$bin" import --database "$db" --collection "$collection" \
  --as x.member --csv "$work/indicators.csv"
check "import by an unknown user" 3 "$bin" import --database "$db" --collection indicators \
  --as ghost --csv "$work/indicators.csv"
check "import of a missing file" 3 "$bin" import --database "$db" --collection indicators \
  --as a.member --bundle "$work/missing.json"
printf '{"type": "bundle", "objects": [' >"$work/truncated.json"
check "import of a truncated bundle" 2 "$bin" import --database "$db" --collection indicators \
  --as a.member --bundle "$work/truncated.json"
expect "the summary still printed" grep -qx "stored 0, duplicates 0, failed 0" "$work/out"

check "export a bundle as the author" 0 "$bin" export --database "$db" --collection indicators \
  --as a.member --format bundle --output "$work/a.json"
expect "the author sees its TLP:RED indicator" python3 -c "
import json
b = json.load(open('$work/a.json'))
ids = [o['id'] for o in b['objects']]
assert len(ids) == 6, ids
assert 'indicator--22222222-2222-4222-8222-222222222222' in ids
"
expect "export summary" grep -qx "exported 6, left out 0" "$work/err"
check "export a bundle as another member" 0 "$bin" export --database "$db" \
  --collection indicators --as b.member --format bundle
expect "TLP:RED is not exported to another member" python3 -c "
import json, sys
b = json.load(open('$work/out'))
ids = [o['id'] for o in b['objects']]
assert len(ids) == 5, ids
assert 'indicator--22222222-2222-4222-8222-222222222222' not in ids
"
check "export CSV leaves out TLP:RED" 5 "$bin" export --database "$db" --collection indicators \
  --as a.member --format csv --output "$work/out.csv"
expect "the RED indicator is named" grep -q "left out: indicator--22222222-2222-4222-8222-222222222222: TLP:RED" "$work/err"
expect "CSV rows" test "$(grep -c . "$work/out.csv")" -eq 6
# The export keeps ids: B's rows come back as new versions, A's are refused to B.
check "the CSV export imports again" 5 "$bin" import --database "$db" --collection indicators \
  --as b.member --csv "$work/out.csv"
expect "new versions of B's own indicators" grep -qx "stored 3, duplicates 0, failed 2" "$work/out"
expect "A's indicators are refused to B" grep -q "^failed: indicator--11111111-1111-4111-8111-111111111111: id: version-author" "$work/out"
check "export Suricata rules" 5 "$bin" export --database "$db" --collection indicators \
  --as b.member --format suricata
expect "DNS rule for the phishing domain" grep -q 'dns.query; dotprefix; content:".netbank-verify.example"' "$work/out"
expect "the hash indicator is left out without a list file" grep -q "^left out: indicator--.*hash" "$work/err"
check "export Suricata rules with hash lists" 0 "$bin" export --database "$db" \
  --collection indicators --as b.member --format suricata --output "$work/suricata.rules" \
  --hash-lists "$work/lists"
expect "the SHA-256 list holds the dropper's hash, one lower-case hash a line" python3 -c "
import hashlib, re
lines = open('$work/lists/fincyber-sha256.list').read().splitlines()
assert hashlib.sha256(b'dropper').hexdigest() in lines, lines
assert all(re.fullmatch('[0-9a-f]{64}', l) for l in lines), lines
for name, digits in (('md5', 32), ('sha1', 40)):
    assert all(re.fullmatch('[0-9a-f]{%d}' % digits, l)
               for l in open('$work/lists/fincyber-%s.list' % name).read().splitlines())
"
expect "the rules name the list for HTTP and SMTP" test "$(grep -c 'filesha256:fincyber-sha256.list;' "$work/suricata.rules")" -eq 2
expect "no rule names an empty list" test "$(grep -c 'filemd5:' "$work/suricata.rules")" -eq 0
expect "every rule line has its own sid" test "$(grep -o 'sid:[0-9]*' "$work/suricata.rules" | sort | uniq -d | wc -l)" -eq 0
check "hash lists only go with Suricata" 2 "$bin" export --database "$db" --collection indicators \
  --as b.member --format zeek --hash-lists "$work/lists"
touch "$work/a-file"
check "hash lists into a file that is not a folder" 2 "$bin" export --database "$db" \
  --collection indicators --as b.member --format suricata --hash-lists "$work/a-file"
check "export Zeek Intel" 0 "$bin" export --database "$db" --collection indicators --as b.member \
  --format zeek
expect "Zeek header" grep -q "^#fields" "$work/out"
expect "Zeek address" grep -qP "^198\.51\.100\.23\tIntel::ADDR" "$work/out"
check "export of an unknown collection" 3 "$bin" export --database "$db" --collection nope \
  --as a.member
check "export as an outsider" 3 "$bin" export --database "$db" --collection indicators \
  --as x.member
check "export to an unwritable file" 2 "$bin" export --database "$db" --collection indicators \
  --as a.member --output "$work/no/such/dir/out.json"
check "export in an unknown format" 2 "$bin" export --database "$db" --collection indicators \
  --as a.member --format pdf

check "audit verify" 0 "$bin" audit verify --database "$db"

finish_checks
