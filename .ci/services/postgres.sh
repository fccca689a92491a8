#!/usr/bin/env bash
# Makes sure PostgreSQL 15 answers on 127.0.0.1:5432 as `postgres` without a password (trust auth),
# installing and starting it when needed. Exits non-zero when it cannot: integration tests need it.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

PG_VERSION=15
PG_HOST=127.0.0.1
PG_PORT=5432

answers() { psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -XAtqc 'select 1' </dev/null; }

if answers >/dev/null 2>&1; then
  echo "PostgreSQL is running: $(psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -XAtqc 'show server_version' </dev/null)"
  exit 0
fi

installed_now=
if [[ ! -d /etc/postgresql/$PG_VERSION/main ]]; then
  echo "PostgreSQL $PG_VERSION is not installed: installing it"
  ci_apt_install "postgresql-$PG_VERSION" postgresql-client-common
  installed_now=1
fi

if [[ -n "$installed_now" ]]; then
  # A fresh cluster asks for passwords over TCP; this throw-away CI cluster trusts loopback, like
  # the development machines do (STACK-NOTES.md).
  hba=/etc/postgresql/$PG_VERSION/main/pg_hba.conf
  sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
  sed -i -E 's/^(local\s+all\s+postgres\s+)\S+/\1trust/' "$hba"
fi

# Start the cluster only when it is down: a running server that does not answer (auth, port) is a
# configuration problem to report, not something to restart under whoever else is using it.
cluster_status=$(pg_lsclusters --no-header 2>/dev/null | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" { print $4 }')
if [[ $cluster_status != online ]]; then
  echo "Starting PostgreSQL $PG_VERSION"
  pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main start </dev/null || true
fi

if ! ci_wait_for "${CI_SERVICE_WAIT:-30}" answers; then
  pg_lsclusters || true
  ci_fail "PostgreSQL does not answer on $PG_HOST:$PG_PORT as user postgres (need trust auth for loopback)"
fi
echo "PostgreSQL is running: $(psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -XAtqc 'show server_version' </dev/null)"
