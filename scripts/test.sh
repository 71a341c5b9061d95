#!/usr/bin/env bash
# `npm test`: the whole suite. Generates the Prisma client, lints (Nx module
# boundaries included), type-checks api and web, runs the unit specs and the
# web app's component tests, builds the web app, then the integration specs in
# band against the local Postgres (with TimescaleDB where installed) and Redis —
# the browser journey in Chromium among them (screenshots in test-output/e2e/),
# and the compiled api and worker (npm run build:server) in the shutdown suite.
# Also validates docker-compose.yml.
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false
# The suite runs on Node 24 (installed from the npm registry where the system Node is older).
. scripts/services.sh
ensure_node
npx prisma generate >/dev/null
npm run -s lint
# docker-compose.yml must validate (no Docker engine needed); .ci/run installs a Compose implementation.
if docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null; then
  ANOM_ADMIN_TOKEN=compose-config-check ANOM_SECRET_KEY=compose-config-check compose -f docker-compose.yml config -q
  echo "docker-compose.yml: valid"
elif [ "${CI:-}" = true ]; then
  echo "no Compose implementation to validate docker-compose.yml" >&2
  exit 1
else
  echo "docker-compose.yml not validated: no docker compose / docker-compose here (.ci/run installs it)" >&2
fi
npm run -s typecheck
npx jest --selectProjects unit
npx vitest run --root apps/web
npm run -s build:web
# The production build: the shutdown suite runs the compiled api and worker.
npm run -s build:server >/dev/null
npx jest --selectProjects int --runInBand
