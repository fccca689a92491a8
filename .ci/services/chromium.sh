#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the browser tests (playwright-core
# drives it with executablePath; browsers are never downloaded by a test tool).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

if [[ ! -x /usr/bin/chromium ]]; then
  echo "Chromium is not installed: installing it"
  ci_apt_install chromium || ci_fail "could not install chromium (needed by npm run test:e2e)"
fi
[[ -x /usr/bin/chromium ]] || ci_fail "/usr/bin/chromium is missing after installing chromium"
/usr/bin/chromium --version </dev/null || ci_fail "/usr/bin/chromium does not run"
