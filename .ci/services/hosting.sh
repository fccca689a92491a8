#!/usr/bin/env bash
# The hosting lab's services (test/support/hosting-lab.ts, agent/test/ops/): nginx, PHP-FPM with
# the MySQL extension, sshd and crontab(1) are installed from Debian; the tests run private instances of them
# (own prefix, config, ports and pid files), never the machine's own. MariaDB is preinstalled: the
# tests use it over its socket as root, so it must answer; it is started with its own command when
# it does not (PID 1 is not systemd here).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

missing=()
command -v nginx >/dev/null || missing+=(nginx)
compgen -G '/usr/sbin/php-fpm*' >/dev/null || missing+=(php-fpm)
php -m 2>/dev/null | grep -qx mysqli || missing+=(php-mysql)
[[ -x /usr/sbin/sshd ]] || missing+=(openssh-server)
command -v crontab >/dev/null || missing+=(cron)
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  # Another process may hold the dpkg lock for minutes: wait for it, then retry once more.
  for attempt in 1 2 3; do
    if ci_apt_install -o DPkg::Lock::Timeout=300 nginx php-fpm php-mysql openssh-server cron; then break; fi
    ((attempt == 3)) && ci_fail "could not install nginx php-fpm php-mysql openssh-server cron"
    echo "apt-get failed, retrying in 10 s"
    sleep 10
  done
fi

mariadb_up() { mariadb -e 'SELECT 1' >/dev/null 2>&1; }
if ! mariadb_up; then
  command -v mariadbd-safe >/dev/null || command -v mysqld_safe >/dev/null || ci_fail "MariaDB is not installed"
  echo "MariaDB does not answer: starting it"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
  if command -v mariadbd-safe >/dev/null; then
    (mariadbd-safe >/dev/null 2>&1 &)
  else
    (mysqld_safe >/dev/null 2>&1 &)
  fi
  ci_wait_for 60 mariadb_up || ci_fail "MariaDB did not start"
fi

nginx -v </dev/null 2>&1 || ci_fail "nginx does not run"
fpm=$(compgen -G '/usr/sbin/php-fpm*' | sort -V | tail -n1)
"$fpm" -v </dev/null | head -n1 || ci_fail "php-fpm does not run"
php -r 'exit(function_exists("mysqli_connect") ? 0 : 1);' || ci_fail "php-mysql is missing"
/usr/sbin/sshd -V 2>&1 </dev/null | head -n1 || true
mariadb -N -e 'SELECT VERSION()' </dev/null || ci_fail "MariaDB does not answer"
