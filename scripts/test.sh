#!/usr/bin/env bash
# `npm test`: the whole suite. Generates the Prisma client, lints (Nx module
# boundaries included), type-checks api and web, runs the unit specs and the
# web app's component tests, builds the web app, then the integration specs in
# band against the local Postgres and Redis — the browser journey in Chromium
# among them (screenshots in test-output/e2e/).
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false
npx prisma generate >/dev/null
npm run -s lint
npm run -s typecheck
npx jest --selectProjects unit
npx vitest run --root apps/web
npm run -s build:web
npx jest --selectProjects int --runInBand
