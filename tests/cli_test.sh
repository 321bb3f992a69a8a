#!/usr/bin/env bash
# The operator commands end to end on a fresh SQLite file: organisations, users,
# tokens, list formats, the audit chain, and clear errors with script-friendly exit
# codes. Usage: cli_test.sh path/to/fincyber
set -euo pipefail
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=$work/cli.db
failures=0
passes=0
check() {  # check NAME EXPECTED_STATUS COMMAND...
  local name=$1 expected=$2
  shift 2
  local status=0
  "$@" >"$work/out" 2>"$work/err" || status=$?
  if [ "$status" -ne "$expected" ]; then
    echo "FAIL $name: exit $status, expected $expected"; cat "$work/out" "$work/err"
    failures=$((failures + 1))
  else
    echo "ok   $name"
    passes=$((passes + 1))
  fi
}

check "migrate" 0 "$bin" migrate --database "$db"
grep -q "applied" "$work/out"
check "org add regulator" 0 "$bin" org add --database "$db" --kind regulator --name-ja 当局 --name-en Authority
regulator=$(cat "$work/out")
check "org add bank" 0 "$bin" org add --database "$db" --kind institution --sector regional_bank \
  --name-ja 甲銀行 --name-en "Bank Ko"
bank=$(cat "$work/out")
check "org add rejects unknown sector" 2 "$bin" org add --database "$db" --kind institution \
  --sector casino --name-ja 乙 --name-en Otsu
grep -q "sector: unknown business category" "$work/err"
check "org add rejects a duplicate" 1 "$bin" org add --database "$db" --kind institution \
  --sector regional_bank --name-ja 甲銀行 --name-en "Bank Ko 2"
check "org list json" 0 "$bin" org list --database "$db" --format json
[ "$(grep -c '"id"' "$work/out")" -eq 2 ]
check "org list table" 0 "$bin" org list --database "$db"
grep -q "Bank Ko" "$work/out"
check "org add with a size tier" 0 "$bin" org add --database "$db" --kind institution \
  --sector shinkin_bank --name-ja 丙信用金庫 --name-en "Hei Shinkin" --size-tier medium
hei=$(cat "$work/out")
check "org add rejects an unknown size tier" 2 "$bin" org add --database "$db" --kind institution \
  --sector shinkin_bank --name-ja 丁信用金庫 --name-en "Tei Shinkin" --size-tier huge
check "org update sets a size tier" 0 "$bin" org update "$bank" --database "$db" --size-tier large
grep -q "$bank large" "$work/out"
check "org update returns to the category default" 0 "$bin" org update "$hei" --database "$db" \
  --size-tier default
grep -q "$hei small" "$work/out"
check "org update refuses a size tier for a regulator" 2 "$bin" org update "$regulator" \
  --database "$db" --size-tier large
check "org update of an unknown organisation" 3 "$bin" org update nope --database "$db" \
  --size-tier large
check "org list shows size tiers" 0 "$bin" org list --database "$db" --format json
grep -q '"size_tier": "large"' "$work/out"

check "group add" 0 "$bin" group add --database "$db" --name-ja 地銀CEPTOAR \
  --name-en "Regional CEPTOAR" --member "$bank"
group=$(cat "$work/out")
check "group add rejects an unknown member" 2 "$bin" group add --database "$db" --name-ja x \
  --name-en x --member nope
check "group member-add" 0 "$bin" group member-add --database "$db" --group "$group" --org "$regulator"
check "group list json" 0 "$bin" group list --database "$db" --format json
grep -q '"members": *2' "$work/out"
check "group member-remove" 0 "$bin" group member-remove --database "$db" --group "$group" \
  --org "$bank"
check "group member-add to an unknown group" 3 "$bin" group member-add --database "$db" \
  --group nope --org "$bank"
check "group list table" 0 "$bin" group list --database "$db"
grep -q "Regional CEPTOAR" "$work/out"

echo "a long enough password" >"$work/pw"
check "user add (stdin password)" 0 sh -c "\"$bin\" user add --database \"$db\" --org $bank \
  --username ko.admin --display-name Admin --role institution_admin --password-stdin < \"$work/pw\""
check "user add (generated password)" 0 "$bin" user add --database "$db" --org $regulator \
  --username coord --display-name Coord --role coordination_office
grep -q "^password: " "$work/out"
check "user add rejects a role unfit for the organisation" 2 "$bin" user add --database "$db" \
  --org $bank --username ko.boss --display-name Boss --role coordination_office
check "user add rejects an unknown organisation" 3 "$bin" user add --database "$db" \
  --org nope --username x.y --display-name X --role institution_member
check "user list" 0 "$bin" user list --database "$db" --org $bank --format json
grep -q '"ko.admin"' "$work/out"

check "token create" 0 "$bin" token create --database "$db" --user ko.admin --name matcher
token=$(tail -n 1 "$work/out")
token_id=$(head -n 1 "$work/out" | sed 's/^token id: //')
[[ "$token" == fct_* ]]
check "token create for unknown user" 3 "$bin" token create --database "$db" --user ghost --name x
check "token revoke" 0 "$bin" token revoke --database "$db" "$token_id"
check "user disable" 0 "$bin" user disable --database "$db" ko.admin

check "audit verify" 0 "$bin" audit verify --database "$db"
grep -q "chain intact" "$work/out"
check "bad config file" 2 sh -c "printf 'databse = 1\n' > \"$work/bad.toml\"; \"$bin\" migrate --config \"$work/bad.toml\""
grep -q "unknown setting 'databse'" "$work/err"
check "unknown command" 2 "$bin" frobnicate

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
