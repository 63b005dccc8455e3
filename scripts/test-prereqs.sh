#!/usr/bin/env bash
# What `make test` needs besides Python: Chromium (browser tests), Caddy (the
# reverse-proxy test), docker-compose (the compose-file check), and Postgres and
# Redis running on 127.0.0.1. As root with apt it installs the missing packages
# and starts the services that are down; otherwise it stops with one line per
# missing thing and the command that fixes it, before any test runs.
# CHROMIUM, PG_HOST/PG_PORT and REDIS_HOST/REDIS_PORT override the defaults.
set -uo pipefail
export DEBIAN_FRONTEND=noninteractive
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
PG_HOST=${PG_HOST:-127.0.0.1} PG_PORT=${PG_PORT:-5432}
REDIS_HOST=${REDIS_HOST:-127.0.0.1} REDIS_PORT=${REDIS_PORT:-6379}

can_fix() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }
problems=()

# Packages: the executable each test needs, and the Debian package that has it.
packages=()
[ -x "$CHROMIUM" ] || packages+=(chromium)
command -v caddy >/dev/null || packages+=(caddy)
command -v docker-compose >/dev/null || packages+=(docker-compose)
if [ ${#packages[@]} -gt 0 ]; then
  if can_fix; then
    echo "test-prereqs: installing ${packages[*]} with apt-get"
    apt-get update -qq && apt-get install -y -qq "${packages[@]}" >/dev/null \
      || problems+=("apt-get could not install ${packages[*]}: see its output above")
  else
    for p in "${packages[@]}"; do
      problems+=("$p is not installed: sudo apt-get install $p")
    done
  fi
fi

pg_up() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; }
redis_up() { redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping >/dev/null 2>&1; }

if ! pg_up; then
  if can_fix && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "test-prereqs: starting Postgres"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  fi
fi
if ! redis_up; then
  if can_fix && command -v redis-server >/dev/null; then
    echo "test-prereqs: starting Redis"
    redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" \
      --save "" --appendonly no >/dev/null
  fi
fi
for _ in $(seq 1 30); do pg_up && redis_up && break; sleep 1; done
pg_up || problems+=("Postgres is not answering on $PG_HOST:$PG_PORT: \
sudo pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start")
redis_up || problems+=("Redis is not answering on $REDIS_HOST:$REDIS_PORT: \
redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save \"\" --appendonly no")

if [ ${#problems[@]} -gt 0 ]; then
  echo "make test cannot run yet:" >&2
  for p in "${problems[@]}"; do echo "  - $p" >&2; done
  exit 1
fi
echo "test-prereqs: Chromium, Caddy, docker-compose, Postgres and Redis are ready"
