#!/usr/bin/env bash
# `npm run up`: the whole platform on this machine. Installs dependencies if
# missing, makes Postgres and Redis reachable, migrates, seeds, then runs the
# api, the worker, the web app and the simulator until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false
[ -f .env ] || cp .env.example .env
set -a; . ./.env; set +a
. scripts/services.sh
ensure_node
# npm ci installs exactly the committed lockfile (never rewrites it).
[ -d node_modules/@nestjs/core ] || npm ci --no-audit --no-fund
npx prisma generate >/dev/null
ensure_services
ensure_timescaledb
npm run -s db:migrate
npm run -s db:seed

# The admin web app is built once and served by `vite preview`, which passes /api to the api.
npm run -s build:web

mkdir -p .anom
pids=()
cleanup() { trap - EXIT INT TERM; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
# Ctrl-C (or a TERM) is the normal way to stop: say so, stop everything, exit 0.
stop() { echo; echo "stopping api, worker, web app and simulator…"; cleanup; echo "stopped."; exit 0; }
trap cleanup EXIT
trap stop INT TERM

# The long-running processes are started with node directly (the same commands as `npm run api`,
# `npm run worker`, `npm run simulate`), so stopping this script stops them: npm does not always
# pass a signal on to its child.
node -r @swc-node/register apps/api/src/main.ts >.anom/api.log 2>&1 & pids+=($!)
node --max-semi-space-size=32 --no-allocation-site-pretenuring -r @swc-node/register apps/worker/src/main.ts >.anom/worker.log 2>&1 & pids+=($!)
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:${API_PORT:-3000}/health" >/dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:${API_PORT:-3000}/health" >/dev/null || { echo "api did not come up; see .anom/api.log" >&2; tail -20 .anom/api.log >&2; exit 1; }
# The first admin, once: the bootstrap token creates it; people sign in to the app from then on.
if [ -z "${ANOM_ADMIN_PASSWORD:-}" ]; then
  ANOM_ADMIN_PASSWORD="$(node -e "process.stdout.write(require('node:crypto').randomBytes(12).toString('base64url'))")"
  if grep -q '^ANOM_ADMIN_PASSWORD=' .env; then sed -i "s/^ANOM_ADMIN_PASSWORD=.*/ANOM_ADMIN_PASSWORD=${ANOM_ADMIN_PASSWORD}/" .env
  else echo "ANOM_ADMIN_PASSWORD=${ANOM_ADMIN_PASSWORD}" >> .env; fi
fi
ANOM_ADMIN_EMAIL="${ANOM_ADMIN_EMAIL:-admin@anom.local}"
ANOM_URL="http://127.0.0.1:${API_PORT:-3000}" ANOM_PASSWORD="$ANOM_ADMIN_PASSWORD" node apps/cli/bin/anom.js users create \
  --admin --if-none --email "$ANOM_ADMIN_EMAIL" --name "Admin" >.anom/users.log 2>&1 \
  || { echo "creating the first admin failed; see .anom/users.log" >&2; tail -5 .anom/users.log >&2; }
# A fresh install gets four days of normal history (skipped where a business has one) and a
# profiling run per business, so suggestions are waiting on first start (hour-of-day
# seasonality needs three full days).
ANOM_URL="http://127.0.0.1:${API_PORT:-3000}" npm run -s cli -- backfill >.anom/backfill.log 2>&1 || { echo "history backfill failed; see .anom/backfill.log" >&2; tail -5 .anom/backfill.log >&2; }
ANOM_URL="http://127.0.0.1:${API_PORT:-3000}" node apps/cli/bin/anom.js simulate >.anom/simulator.log 2>&1 & pids+=($!)
ANOM_API_URL="http://127.0.0.1:${API_PORT:-3000}" node node_modules/vite/bin/vite.js preview apps/web --host 0.0.0.0 --port "${WEB_PORT:-5173}" --strictPort >.anom/web.log 2>&1 & pids+=($!)

cat <<MSG

  Anom is running.
    Admin app    http://localhost:${WEB_PORT:-5173}
    Sign in as   ${ANOM_ADMIN_EMAIL} / ${ANOM_ADMIN_PASSWORD}   (in .env; add people under Access)
    API          http://localhost:${API_PORT:-3000}
    OpenAPI docs http://localhost:${API_PORT:-3000}/docs
    Token        ${ANOM_ADMIN_TOKEN}   (bootstrap token; create API keys under Access)
    Logs         .anom/api.log .anom/worker.log .anom/web.log .anom/backfill.log .anom/simulator.log
    Suggestions  curl -H "Authorization: Bearer ${ANOM_ADMIN_TOKEN}" localhost:${API_PORT:-3000}/businesses/health-vitals/suggestions?status=pending

  The simulator feeds health-vitals, service-logs, service-metrics and
  payment-transactions and injects an anomaly every 2 minutes. Try:
    curl -s -H "Authorization: Bearer ${ANOM_ADMIN_TOKEN}" "http://localhost:${API_PORT:-3000}/alerts?status=open"

  Ctrl-C stops api, worker, web app and simulator.
MSG
# Only a process that ended on its own gets here (Ctrl-C runs `stop`).
wait -n "${pids[@]}" || true
echo "a process exited on its own; see .anom/*.log" >&2
exit 1
