#!/usr/bin/env bash
# `npm run bench`: every benchmark, printing its figures (README "Benchmarks").
set -euo pipefail
cd "$(dirname "$0")/.."
run() { node -r @swc-node/register "$@"; }
# The engine bench runs with the worker's V8 flags (package.json "worker").
node --max-semi-space-size=32 --no-allocation-site-pretenuring -r @swc-node/register bench/engine.bench.ts
run bench/ingest.bench.ts
BENCH_RULES=mixed BENCH_LATENCY_RPS=100 run bench/ingest.bench.ts
run bench/cardinality.bench.ts
run bench/storage.bench.ts
