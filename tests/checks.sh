# Checks shared by the command-line test scripts: each sources this after setting $work
# (the folder that receives the last command's outputs) and ends with finish_checks.
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
finish_checks() {
  echo "$passes passed, $failures failed"
  [ "$failures" -eq 0 ]
}
