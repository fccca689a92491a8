#!/usr/bin/env bash
# Makes sure Debian's Prometheus is installed: `promtool` checks and unit-tests the alert rules
# (ops/prometheus/), and an integration test starts a private `prometheus` that scrapes mPanel.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null; then
  echo "Prometheus is not installed: installing it"
  ci_apt_install prometheus || ci_fail "could not install prometheus (promtool checks the alert rules; a test scrapes mPanel)"
fi
# The package starts a system service where systemd runs; the tests use their own instance only.
promtool --version </dev/null || ci_fail "promtool does not run"
prometheus --version </dev/null || ci_fail "prometheus does not run"
