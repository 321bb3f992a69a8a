#!/usr/bin/env bash
# Tests for check_layers.sh: builds small fake source trees and checks that clean
# ones pass and each kind of violation fails, naming the file, line and include.
set -uo pipefail

script="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/check_layers.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
tree=""

fail() {
  echo "FAIL: $1" >&2
  failures=$((failures + 1))
}

# new_tree: a clean three-layer tree (base <- store <- identity) plus test support.
new_tree() {
  tree=$(mktemp -d "$work/tree.XXXX")
  mkdir -p "$tree/src/base" "$tree/src/store/internal" "$tree/src/identity" "$tree/src/testing"
  cat >"$tree/src/base/CMakeLists.txt" <<'CMAKE'
fincyber_module(NAME base SRCS result.cc LIBS fmt::fmt)
CMAKE
  cat >"$tree/src/store/CMakeLists.txt" <<'CMAKE'
# Storage. DEPS identity in this comment must not count.
fincyber_module(
  NAME store
  SRCS database.cc internal/sql.cc
  DEPS base  # the only lower layer
  TESTS database_test.cc
)
CMAKE
  cat >"$tree/src/identity/CMakeLists.txt" <<'CMAKE'
fincyber_module(
  NAME identity
  SRCS access.cc
  DEPS store
  DBTESTS access_dbtest.cc
)
CMAKE
  cat >"$tree/src/testing/CMakeLists.txt" <<'CMAKE'
add_library(fincyber_testing STATIC db.cc)
target_link_libraries(fincyber_testing PUBLIC fincyber_store GTest::gtest)
CMAKE
  printf '#pragma once\n#include <string>\n' >"$tree/src/base/result.h"
  printf '#include "base/result.h"\n' >"$tree/src/base/result.cc"
  printf '#pragma once\n' >"$tree/src/store/internal/sql.h"
  printf '#include "store/internal/sql.h"\n#include "base/result.h"\n' \
    >"$tree/src/store/internal/sql.cc"
  printf '#pragma once\n#include "base/result.h"\n#include <nlohmann/json.hpp>\n' \
    >"$tree/src/store/database.h"
  printf '#include "store/database.h"\n#include "store/internal/sql.h"\n' \
    >"$tree/src/store/database.cc"
  printf '#include "store/database.h"\n#include "testing/db.h"\n' \
    >"$tree/src/store/database_test.cc"
  # identity reaches base only through store: transitive DEPS.
  printf '#include "identity/access.h"\n#include "base/result.h"\n#include "store/database.h"\n' \
    >"$tree/src/identity/access.cc"
  printf '#pragma once\n#include "sqlite3.h"\n' >"$tree/src/identity/access.h"
  printf '#include "identity/access.h"\n#include "identity/test_fixture.h"\n' \
    >"$tree/src/identity/access_dbtest.cc"
  printf '#pragma once\n#include "testing/db.h"\n' >"$tree/src/identity/test_fixture.h"
  printf '#pragma once\n#include "store/database.h"\n' >"$tree/src/testing/db.h"
  printf '#include "testing/db.h"\n#include "base/result.h"\n' >"$tree/src/testing/db.cc"
}

# expect_pass NAME: the script succeeds on $tree and prints the summary.
expect_pass() {
  local out
  if ! out=$(bash "$script" "$tree" 2>&1); then
    fail "$1: expected success, got: $out"
  elif [[ "$out" != "layers ok: $2 files checked" ]]; then
    fail "$1: unexpected summary: $out"
  fi
}

# expect_violation NAME PATTERN: the script fails on $tree and its output has PATTERN.
expect_violation() {
  local out
  if out=$(bash "$script" "$tree" 2>&1); then
    fail "$1: expected failure, got: $out"
  elif ! grep -qF -- "$2" <<<"$out"; then
    fail "$1: output does not name '$2': $out"
  fi
}

new_tree
expect_pass "clean tree" 13

new_tree
printf '#include "store/database.h"\n\n#include "identity/access.h"\n' \
  >"$tree/src/store/database.cc"
expect_violation "lower layer includes a higher one" \
  'src/store/database.cc:3: #include "identity/access.h": store/ does not depend on identity/'

new_tree
printf '#include "identity/access.h"\n#include "store/internal/sql.h"\n' \
  >"$tree/src/identity/access.cc"
expect_violation "another module's internal header" \
  'src/identity/access.cc:2: #include "store/internal/sql.h": internal/ headers are private'

new_tree
printf '#pragma once\n#include <testing/db.h>\n' >"$tree/src/identity/access.h"
expect_violation "production code includes test support" \
  'src/identity/access.h:2: #include "testing/db.h": only *_test.cc'

new_tree
printf '#include "base/result.h"\n  #  include "store/database.h"\n' >"$tree/src/base/result.cc"
expect_violation "indented include" \
  'src/base/result.cc:2: #include "store/database.h": base/ does not depend on store/'

new_tree
mkdir -p "$tree/src/app"
printf '#include "identity/access.h"\n' >"$tree/src/app/main.cc"
expect_violation "module without declared dependencies" \
  'src/app/main.cc:1: #include "identity/access.h": app/ does not depend on identity/ (DEPS: (none)'

new_tree
sed -i 's/DEPS base  #/DEPS base identity  #/' "$tree/src/store/CMakeLists.txt"
expect_violation "dependency cycle" "dependency cycle: store depends on itself"

new_tree
sed -i 's/DEPS store/DEPS store stix/' "$tree/src/identity/CMakeLists.txt"
expect_violation "unknown dependency" "DEPS names stix, which is not a folder under src/"

if [ "$failures" -gt 0 ]; then
  echo "check_layers_test: $failures failure(s)" >&2
  exit 1
fi
echo "check_layers_test: all passed"
