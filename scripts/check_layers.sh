#!/usr/bin/env bash
# Checks that every source file under src/<module>/ includes only its own module and
# the modules its module depends on, directly or transitively, as declared once in
# CMake: the DEPS of each src/<module>/CMakeLists.txt fincyber_module(...) call (or,
# for a folder declared without the helper, the fincyber_<x> libraries it links).
# Also rejects including another module's internal/ headers, and dependency cycles.
# src/testing is test support: only test files may include it — *_test.cc, *_dbtest.cc
# and header-only test fixtures named test_*.h.
#
# Usage: scripts/check_layers.sh [repository root]   (default: this script's repository)
# Exits 0 and prints "layers ok: N files checked", or 1 listing each violation.
set -euo pipefail

root=${1:-"$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"}
cd "$root"
if [ ! -d src ]; then
  echo "check_layers: no src/ folder under $root" >&2
  exit 2
fi

modules=()
for dir in src/*/; do
  dir=${dir%/}
  modules+=("${dir#src/}")
done
cmake_files=()
for module in "${modules[@]}"; do
  [ -f "src/$module/CMakeLists.txt" ] && cmake_files+=("src/$module/CMakeLists.txt")
done
mapfile -d '' sources < <(find src -mindepth 2 -type f \( -name '*.h' -o -name '*.cc' \) \
  -print0 | LC_ALL=C sort -z)

# Plain POSIX awk (mawk on a fresh Debian): no gawk extensions.
awk -v module_list="${modules[*]}" '
function module_of(path,   parts) {
  split(path, parts, "/")
  return parts[2]
}
function add_dep(module, dep) {
  if (dep == module || (module, dep) in direct) return
  direct[module, dep] = 1
  deps[module, ++ndeps[module]] = dep
  listed[module] = listed[module] " " dep
}
# Token list of every call `name(...)` in text; returns how many calls were found.
function calls(text, name, out,   count, start, end) {
  count = 0
  while (match(text, name "[ \t]*\\(")) {
    text = substr(text, RSTART + RLENGTH)
    end = index(text, ")")
    if (end == 0) end = length(text) + 1
    out[++count] = substr(text, 1, end - 1)
    text = substr(text, end + 1)
  }
  return count
}
function parse_module(module,   bodies, n, i, tokens, k, j, keyword, token, first) {
  n = calls(cmake_text[module], "fincyber_module", bodies)
  for (i = 1; i <= n; i++) {
    k = split(bodies[i], tokens, /[ \t\r]+/)
    keyword = ""
    for (j = 1; j <= k; j++) {
      token = tokens[j]
      if (token == "") continue
      if (token ~ /^(NAME|SRCS|DEPS|LIBS|TESTS|DBTESTS)$/) { keyword = token; continue }
      if (keyword == "DEPS") add_dep(module, token)
    }
  }
  if (n > 0) return
  n = calls(cmake_text[module], "target_link_libraries", bodies)
  for (i = 1; i <= n; i++) {
    k = split(bodies[i], tokens, /[ \t\r]+/)
    first = 1
    for (j = 1; j <= k; j++) {
      token = tokens[j]
      if (token == "") continue
      if (first) { first = 0; continue }  # the target being linked
      if (token ~ /^fincyber_/) add_dep(module, substr(token, 10))
    }
  }
}
function close_over(module,   stack, top, dep, i) {
  top = 0
  for (i = 1; i <= ndeps[module]; i++) stack[++top] = deps[module, i]
  while (top > 0) {
    dep = stack[top--]
    if ((module, dep) in reach) continue
    reach[module, dep] = 1
    for (i = 1; i <= ndeps[dep]; i++) stack[++top] = deps[dep, i]
  }
}
function build_graph(   i, j, module, dep) {
  graph_built = 1
  for (i = 1; i <= nmodules; i++) parse_module(module_names[i])
  for (i = 1; i <= nmodules; i++) {
    module = module_names[i]
    for (j = 1; j <= ndeps[module]; j++) {
      dep = deps[module, j]
      if (!(dep in is_module)) {
        printf "src/%s/CMakeLists.txt: DEPS names %s, which is not a folder under src/\n",
               module, dep
        failures++
      }
    }
    close_over(module)
  }
  for (i = 1; i <= nmodules; i++) {
    module = module_names[i]
    if ((module, module) in reach) {
      printf "src/%s/CMakeLists.txt: dependency cycle: %s depends on itself through%s\n",
             module, module, listed[module]
      failures++
    }
  }
}
BEGIN {
  nmodules = split(module_list, module_names, " ")
  for (i = 1; i <= nmodules; i++) is_module[module_names[i]] = 1
  failures = 0
}
FILENAME ~ /\/CMakeLists\.txt$/ {
  line = $0
  sub(/#.*/, "", line)
  cmake_text[module_of(FILENAME)] = cmake_text[module_of(FILENAME)] " " line
  next
}
!graph_built { build_graph() }
/^[ \t]*#[ \t]*include[ \t]*["<]/ {
  spec = $0
  sub(/^[ \t]*#[ \t]*include[ \t]*/, "", spec)
  close_char = substr(spec, 1, 1) == "<" ? ">" : "\""
  spec = substr(spec, 2)
  end = index(spec, close_char)
  if (end == 0) next
  path = substr(spec, 1, end - 1)
  slash = index(path, "/")
  if (slash == 0) next
  other = substr(path, 1, slash - 1)
  if (!(other in is_module)) next  # a library header such as <nlohmann/json.hpp>
  module = module_of(FILENAME)
  if (other == module) next
  where = FILENAME ":" FNR ": #include \"" path "\": "
  if (other == "testing") {
    if (FILENAME !~ /(_test\.cc|_dbtest\.cc|\/test_[^\/]*\.h)$/) {
      print where "only *_test.cc, *_dbtest.cc and test_*.h files may include testing/"
      failures++
    }
    next
  }
  if (path ~ /(^|\/)internal\//) {
    print where "internal/ headers are private to " other "/"
    failures++
    next
  }
  if (!((module, other) in reach)) {
    allowed = listed[module] == "" ? " (none)" : listed[module]
    print where module "/ does not depend on " other "/ (DEPS:" allowed ")"
    failures++
  }
}
END {
  if (!graph_built) build_graph()
  exit failures > 0 ? 1 : 0
}
' "${cmake_files[@]}" "${sources[@]}" || {
  echo "check_layers: violations found (dependencies: DEPS in src/*/CMakeLists.txt)" >&2
  exit 1
}
echo "layers ok: ${#sources[@]} files checked"
