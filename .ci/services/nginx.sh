#!/usr/bin/env bash
# Makes sure Debian's nginx is installed: the cluster test (test/cluster/) runs a private nginx
# (own prefix, config, port and pid file) in front of two web instances. apt does not start the
# machine's own nginx here (policy-rc.d); the tests never touch it.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

if ! command -v nginx >/dev/null; then
  echo "nginx is not installed: installing it"
  ci_apt_install nginx || ci_fail "could not install nginx (the cluster test balances over it)"
fi
nginx -v </dev/null || ci_fail "nginx does not run"
