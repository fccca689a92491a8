#!/usr/bin/env bash
# Makes sure Redis answers on 127.0.0.1:6379, installing and starting it when needed.
# Exits non-zero when it cannot: integration tests need it.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

answers() { [[ "$(redis-cli -h 127.0.0.1 -p 6379 ping </dev/null 2>/dev/null)" == PONG ]]; }

if command -v redis-cli >/dev/null && answers; then
  echo "Redis is running: $(redis-cli -h 127.0.0.1 -p 6379 info server </dev/null | grep -m1 redis_version | tr -d '\r')"
  exit 0
fi

if ! command -v redis-server >/dev/null; then
  echo "Redis is not installed: installing it"
  ci_apt_install redis-server
fi

echo "Starting Redis"
mkdir -p /var/lib/redis /var/log/redis
# No persistence: tests need a cache and a queue, not durability.
redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
  --dir /var/lib/redis --logfile /var/log/redis/ci.log </dev/null

if ! ci_wait_for "${CI_SERVICE_WAIT:-30}" answers; then
  tail -n 20 /var/log/redis/ci.log 2>/dev/null || true
  ci_fail "Redis does not answer on 127.0.0.1:6379"
fi
echo "Redis is running: $(redis-cli -h 127.0.0.1 -p 6379 info server </dev/null | grep -m1 redis_version | tr -d '\r')"
