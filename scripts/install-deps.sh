#!/usr/bin/env bash
# Installs the Debian packages and npm modules fincyber needs, only those missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config git lld
  libboost-dev libboost-system-dev libssl-dev libsqlite3-dev libpq-dev postgresql
  libsodium-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev libtomlplusplus-dev
  libjemalloc-dev
  libcurl4-openssl-dev libgtest-dev libgmock-dev libbenchmark-dev libre2-dev libidn2-dev libsimdjson-dev
  zlib1g-dev libyaml-cpp-dev libpugixml-dev chromium fonts-noto-cjk wrk nginx-light curl ripgrep time
  libcairo2-dev libpango1.0-dev libxlsxwriter-dev libzip-dev libexpat1-dev libpoppler-cpp-dev
  fonts-ipaexfont-gothic
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from elsewhere with npm bundled; Debian's packages only if absent.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
fi

if [ -f web/package.json ] && { [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules ]; }; then
  (cd web && npm ci --no-audit --no-fund)
fi
