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
node -e 'const v = process.versions.node; if (+v.split(".")[0] < 24) { console.error(`Node ${v}: the suite runs on 24+`); process.exit(1); }'
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
# The app is split by route: no chunk over Vite's 500 kB warning, the entry chunk (what the first page waits for)
# under 400 kB (it was one 1.1 MB file).
node -e '
const fs = require("node:fs"), dir = "apps/web/dist/assets";
const js = fs.readdirSync(dir).filter((f) => f.endsWith(".js")).map((f) => [f, fs.statSync(`${dir}/${f}`).size]);
const entry = fs.readFileSync("apps/web/dist/index.html", "utf8").match(/assets\/([^"]+\.js)/)[1];
const big = js.filter(([, n]) => n > 500_000), first = js.find(([f]) => f === entry)[1];
if (big.length || first > 400_000) { console.error("web bundle too large:", big, entry, first); process.exit(1); }
console.log(`web bundle: ${js.length} chunks, entry ${Math.round(first / 1000)} kB`);'
# The production build: the shutdown suite runs the compiled api and worker.
npm run -s build:server >/dev/null
npx jest --selectProjects int --runInBand
