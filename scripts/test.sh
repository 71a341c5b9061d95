#!/usr/bin/env bash
# `npm test`: the whole suite. Generates the Prisma client, lints (Nx module
# boundaries included), type-checks, runs unit specs in parallel and the
# integration specs in band against the local Postgres and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false
npx prisma generate >/dev/null
npm run -s lint
npm run -s typecheck
npx jest --selectProjects unit
npx jest --selectProjects int --runInBand
