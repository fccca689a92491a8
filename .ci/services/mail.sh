#!/usr/bin/env bash
# The mail lab's services (test/support/mail-lab.ts, agent/test/ops/mail-ops.integration.test.ts):
# Postfix, Dovecot (IMAP, POP3, LMTP, Sieve) and OpenDKIM from Debian. The tests run private instances
# (`postfix -c <dir>`, `dovecot -c <file>`, `opendkim -x <file>`: own config, spool, ports and pid
# files), never the machine's own; Postfix is preseeded "No configuration" so installing it
# configures and starts nothing.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

packages=(postfix dovecot-imapd dovecot-pop3d dovecot-lmtpd dovecot-sieve opendkim opendkim-tools curl)
missing=()
[[ -x /usr/sbin/postfix ]] || missing+=(postfix)
[[ -x /usr/sbin/dovecot ]] || missing+=(dovecot-imapd)
[[ -e /usr/lib/dovecot/pop3 ]] || missing+=(dovecot-pop3d)
[[ -e /usr/lib/dovecot/lmtp ]] || missing+=(dovecot-lmtpd)
[[ -e /usr/lib/dovecot/modules/lib90_sieve_plugin.so ]] || missing+=(dovecot-sieve)
[[ -x /usr/sbin/opendkim ]] || missing+=(opendkim)
command -v opendkim-testkey >/dev/null || missing+=(opendkim-tools)
command -v curl >/dev/null || missing+=(curl)
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  # Another process may hold the dpkg lock for minutes: wait for it, then retry once more.
  for attempt in 1 2 3; do
    if ci_apt_install -o DPkg::Lock::Timeout=300 "${packages[@]}"; then break; fi
    ((attempt == 3)) && ci_fail "could not install ${packages[*]}"
    echo "apt-get failed, retrying in 10 s"
    sleep 10
  done
fi

postconf -d mail_version </dev/null || ci_fail "postfix does not run"
dovecot --version </dev/null || ci_fail "dovecot does not run"
opendkim -V </dev/null 2>&1 | head -n1 || ci_fail "opendkim does not run"
doveadm pw -s ARGON2ID -p probe </dev/null >/dev/null || ci_fail "dovecot cannot hash ARGON2ID"
