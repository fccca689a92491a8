#!/usr/bin/env bash
# The DNS and ACME lab's services (test/support/powerdns-lab.ts, the dns-powerdns and ssl tests):
# PowerDNS Authoritative with the SQLite backend, dig, Pebble and sqlite3 are installed from Debian;
# the tests run private instances of them (own temp dir, config, ports), never the machine's own.
# Nothing here is started: the Debian packages do not auto-start without systemd.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

missing=()
command -v pdns_server >/dev/null || [[ -x /usr/sbin/pdns_server ]] || missing+=(pdns-server)
[[ -f /usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql ]] || missing+=(pdns-backend-sqlite3)
command -v dig >/dev/null || missing+=(dnsutils)
command -v pebble >/dev/null || [[ -x /usr/bin/pebble ]] || missing+=(pebble)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  # Another process may hold the dpkg lock for minutes: wait for it, then retry once more.
  for attempt in 1 2 3; do
    if ci_apt_install -o DPkg::Lock::Timeout=300 pdns-server pdns-backend-sqlite3 dnsutils pebble sqlite3; then break; fi
    ((attempt == 3)) && ci_fail "could not install pdns-server pdns-backend-sqlite3 dnsutils pebble sqlite3"
    echo "apt-get failed, retrying in 10 s"
    sleep 10
  done
fi

# pdns_server --version prints its banner and exits 99: check the banner, not the status.
pdns=$(command -v pdns_server || echo /usr/sbin/pdns_server)
banner=$("$pdns" --version </dev/null 2>&1 || true)
grep -m1 'PowerDNS Authoritative Server' <<<"$banner" || ci_fail "pdns_server does not run"
[[ -f /usr/lib/x86_64-linux-gnu/pdns/libgsqlite3backend.so ]] || compgen -G '/usr/lib/*/pdns/libgsqlite3backend.so' >/dev/null \
  || ci_fail "the PowerDNS SQLite backend (libgsqlite3backend.so) is missing"
[[ -f /usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql ]] || ci_fail "the PowerDNS SQLite schema is missing"
dig -v </dev/null 2>&1 || ci_fail "dig does not run"
[[ -x /usr/bin/pebble ]] || command -v pebble >/dev/null || ci_fail "pebble is missing"
usage=$(pebble -h </dev/null 2>&1 || true)
grep -q -- '-config' <<<"$usage" || ci_fail "pebble does not run"
sqlite3 -version </dev/null || ci_fail "sqlite3 does not run"
