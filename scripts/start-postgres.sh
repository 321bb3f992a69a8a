#!/usr/bin/env bash
# Starts the local PostgreSQL cluster (as the postgres user: it refuses root) and
# makes a database for the tests owned by the calling OS user, reached over the
# Unix socket with peer authentication, so no password is needed or stored.
# Prints the test database URL on stdout.
set -euo pipefail

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
  if [ "$(id -u)" -eq 0 ]; then pg_createcluster "$version" main >&2; else sudo pg_createcluster "$version" main >&2; fi
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
  if [ "$(id -u)" -eq 0 ]; then pg_ctlcluster "$version" main start >&2; else sudo pg_ctlcluster "$version" main start >&2; fi
fi
for _ in $(seq 1 30); do
  as_postgres pg_isready -q && break
  sleep 1
done

user=$(id -un)
as_postgres psql -q -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$user'" | grep -q 1 ||
  as_postgres psql -q -c "CREATE ROLE \"$user\" LOGIN SUPERUSER" >&2
as_postgres psql -q -tAc "SELECT 1 FROM pg_database WHERE datname = 'fincyber_test'" | grep -q 1 ||
  as_postgres psql -q -c "CREATE DATABASE fincyber_test OWNER \"$user\"" >&2

echo "postgresql:///fincyber_test?host=/var/run/postgresql"
