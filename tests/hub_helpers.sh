# Helpers of the federation test scripts, sourced after setting $bin and $work: hubs in
# databases of their own, bundles, and a served hub that is stopped at exit.
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
source "$(dirname "${BASH_SOURCE[0]}")/checks.sh"

# hub DB USER...: institutions with one user each, in one trust group, and a collection
# of that group (alias "indicators"); prints the collection id.
hub() {
  local db=$1
  shift
  local users=("$@") orgs=() i group
  "$bin" migrate --database "$db" >/dev/null
  for i in "${!users[@]}"; do
    orgs+=("$("$bin" org add --database "$db" --sector regional_bank \
      --name-ja "銀行 ${users[$i]}" --name-en "Bank ${users[$i]}")")
    "$bin" user add --database "$db" --org "${orgs[$i]}" --username "${users[$i]}" \
      --display-name "${users[$i]}" >/dev/null
  done
  group=$("$bin" group add --database "$db" --name-ja 会員 --name-en Members --member "${orgs[0]}")
  for i in "${!orgs[@]}"; do
    [ "$i" -eq 0 ] || "$bin" group member-add --database "$db" --group "$group" --org "${orgs[$i]}"
  done
  "$bin" collection add --database "$db" --title Indicators --alias indicators \
    --read-group "$group" --write-group "$group"
}

bundle() {  # bundle OBJECT...
  local IFS=,
  printf '{"type": "bundle", "id": "bundle--%s", "objects": [%s]}' "$(cat /proc/sys/kernel/random/uuid)" "$*"
}

# serve_hub DB [PORT]: serves DB on loopback (a free port by default); sets $server and
# $url, the TAXII discovery URL.
serve_hub() {
  local log=$work/serve-$RANDOM.log
  "$bin" serve --database "$1" --listen "127.0.0.1:${2:-0}" >"$log" 2>&1 &
  server=$!
  for _ in $(seq 100); do grep -q "^listening on" "$log" && break; sleep 0.1; done
  url="$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$log")/taxii2/"
}
