/**
 * `npm run bench`: ingest throughput against raw COPY, and ingest->alert latency.
 *
 * Starts the api and the worker as separate processes against a fresh
 * database (anom_bench) and a fresh Redis prefix, creates a business with 20
 * immediate rules, then measures in one run:
 *  1. raw COPY rows/s into the event table (the floor every write path pays),
 *  2. events/s through POST /ingest (batches of 500, 4 concurrent clients),
 *     counted until the last batch is evaluated,
 *  3. ingest->alert latency p50/p99 at a fixed offered rate: each request
 *     carries one event that opens a new alert; latency is the alert's
 *     first_seen_at minus the moment the request was sent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import path from 'node:path';
import { Client } from 'pg';
import IORedis from 'ioredis';
import { Database, copyEvents, migrate } from '@anom/db';

const PG = process.env.BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DB = 'anom_bench';
const PORT = Number(process.env.BENCH_PORT ?? 3917);
const TOKEN = 'bench-bootstrap-token-0123456789abcdef';
const PREFIX = `anombench-${Date.now()}`;
const BATCH = 500;
const INGEST_EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const CLIENTS = 4;
const LATENCY_RATE = Number(process.env.BENCH_LATENCY_RPS ?? 20); // requests/s
const LATENCY_BATCH = 50; // events per request -> 1,000 events/s offered
const LATENCY_SECONDS = 15;
const base = `http://127.0.0.1:${PORT}`;
const root = path.resolve(__dirname, '..');

const RULESET = process.env.BENCH_RULES === 'mixed' ? 'mixed' : 'immediate';
const RULES: string[] = [
  'heart_rate > 180',
  'heart_rate > 100 && activity_level < 10',
  'spo2_percent < 90',
  'skin_temp_c > 39.5',
  'respiratory_rate > 30',
  'hrv_ms < 5',
  'steps_per_minute > 250',
  'heart_rate < 35',
  'spo2_percent < 85 && heart_rate > 120',
  'skin_temp_c < 34',
  'activity_level > 99 && heart_rate < 60',
  'posture == "lying" && steps_per_minute > 100',
  'device_sources.contains("faulty")',
  'user_id.startsWith("lat-")',
  'heart_rate + respiratory_rate > 260',
  'hrv_ms > 250',
  'respiratory_rate < 4',
  'skin_temp_c > 38.5 && heart_rate > 150',
  'spo2_percent > 100',
  'activity_level < 0',
];

const FIELDS = [
  { name: 'timestamp', type: 'timestamp', required: true },
  { name: 'user_id', type: 'string', required: true },
  { name: 'device_sources', type: 'string' },
  { name: 'heart_rate', type: 'number' },
  { name: 'hrv_ms', type: 'number' },
  { name: 'spo2_percent', type: 'number' },
  { name: 'skin_temp_c', type: 'number' },
  { name: 'respiratory_rate', type: 'number' },
  { name: 'activity_level', type: 'number' },
  { name: 'steps_per_minute', type: 'integer' },
  { name: 'posture', type: 'enum', enum: ['lying', 'sitting', 'standing', 'walking', 'running'] },
];

function event(i: number, user: string): Record<string, unknown> {
  return {
    timestamp: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
    user_id: user,
    device_sources: 'watch,ring',
    heart_rate: 60 + (i % 30),
    hrv_ms: 40 + (i % 20),
    spo2_percent: 96 + (i % 3),
    skin_temp_c: 36.4 + (i % 5) / 10,
    respiratory_rate: 12 + (i % 6),
    activity_level: 20 + (i % 50),
    steps_per_minute: i % 120,
    posture: 'sitting',
  };
}

/**
 * The load client shares the machine with what it measures, so it uses node:http with
 * keep-alive (measured: fetch's undici cost the client a quarter of a core at 100 req/s).
 */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function send(method: string, url: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${TOKEN}` };
    if (body !== undefined)
      Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    const req = request(base + url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function http(method: string, url: string, body?: unknown): Promise<any> {
  const res = await send(method, url, body === undefined ? undefined : JSON.stringify(body));
  if (res.status < 200 || res.status >= 300)
    throw new Error(`${method} ${url}: ${res.status} ${res.text.slice(0, 300)}`);
  return res.text ? JSON.parse(res.text) : undefined;
}

/**
 * V8 flags of the worker process (package.json `worker`, scripts/up.sh): evaluation allocates
 * per batch (matches, evidence, states) and dies young.
 * - a 32 MB semi-space keeps that in the scavenger instead of promoting it (measured: the
 *   engine bench ran bimodal at 25 or 50M evaluations/s with the 16 MB default);
 * - no allocation-site pretenuring: V8 decides, from the survival rate at one scavenge, to
 *   allocate a site's objects straight in old space from then on. A scavenge that lands while
 *   a large batch's matches are alive makes that decision for objects that die with the batch;
 *   the engine bench then ran at 19-30M instead of ~50M evaluations/s in about half the runs
 *   (0 of 8 runs with the flag; --trace-pretenuring-statistics shows the decisions).
 */
const WORKER_NODE_FLAGS = ['--max-semi-space-size=32', '--no-allocation-site-pretenuring'];

function start(script: string, env: Record<string, string>): ChildProcess {
  // BENCH_PROFILE=<dir> writes a V8 CPU profile of each process there (open in Chrome DevTools).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  // The worker runs as `npm run worker` does: with a 32 MB young generation (see WORKER_NODE_FLAGS).
  const flags = script.includes('worker') ? WORKER_NODE_FLAGS : [];
  const child = spawn(process.execPath, [...flags, ...profile, '-r', '@swc-node/register', script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main(): Promise<void> {
  const admin = new Client({ connectionString: `${PG}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.end();
  const url = `${PG}/${DB}`;
  await migrate(url);
  const db = new Database(url, 4);
  const env = {
    DATABASE_URL: url,
    REDIS_URL: REDIS,
    ANOM_ADMIN_TOKEN: TOKEN,
    API_PORT: String(PORT),
    QUEUE_PREFIX: PREFIX,
    LOG_LEVEL: 'warn',
    LOG_PRETTY: 'false',
    NODE_ENV: 'production',
    ANOM_SECRET_KEY: Buffer.alloc(32, 'anom-bench').toString('base64'),
    INGEST_MAX_BATCH: '5000',
    // A load test lifts the request limits (they protect a server exposed to others).
    RATE_LIMIT_PER_MINUTE: '0',
    INGEST_RATE_LIMIT_PER_MINUTE: '0',
  };
  const procs = [start('apps/api/src/main.ts', env), start('apps/worker/src/main.ts', env)];
  try {
    await waitFor(async () => (await send('GET', '/health')).status === 200, 60_000, 'the api');
    const businessId = 'bench-vitals';
    await http('POST', '/businesses', {
      id: businessId,
      name: 'Bench',
      timestampField: 'timestamp',
      entityKeyFields: ['user_id'],
      fields: FIELDS,
    });
    for (const [i, condition] of RULES.entries()) {
      // mixed: rules 6-10 become 5-in-a-row sequences and 11-15 one-minute counts per user (a
      // threshold that is evaluated on every event but not crossed: this measures evaluation, not an alert storm); the
      // latency probe (user_id.startsWith("lat-"), rule 14) stays immediate.
      const body: Record<string, unknown> = {
        name: `rule ${i + 1}`,
        kind: 'immediate',
        condition,
        groupBy: ['user_id'],
        severity: 'medium',
      };
      if (RULESET === 'mixed' && i >= 5 && i < 10) Object.assign(body, { kind: 'sequence', minCount: 5 });
      if (RULESET === 'mixed' && i >= 10 && i < 15 && i !== 13)
        Object.assign(body, {
          kind: 'aggregate',
          aggregate: { fn: 'count' },
          window: '1m',
          op: '>=',
          threshold: 5_000,
        });
      await http('POST', `/businesses/${businessId}/rules`, body);
    }

    // 1. Raw COPY into the same table, same batch size, one transaction per batch.
    const copyRows = INGEST_EVENTS;
    let t0 = performance.now();
    for (let done = 0; done < copyRows; done += BATCH) {
      const rows = Array.from({ length: BATCH }, (_, k) => ({
        id: randomUUID(),
        eventTime: new Date(Date.UTC(2025, 0, 1) + (done + k) * 1000),
        entityKey: 'copy',
        payload: event(done + k, 'copy'),
        clientEventId: null,
      }));
      await db.transaction((tx) => copyEvents(tx.sql, 'bench-copy', randomUUID(), 1, new Date(), rows));
    }
    const copySeconds = (performance.now() - t0) / 1000;
    const copyRate = copyRows / copySeconds;

    // 2. Ingest throughput until evaluated. Bodies are built up front so the client costs little.
    const bodies = Array.from({ length: 8 }, (_, b) =>
      JSON.stringify(Array.from({ length: BATCH }, (_, k) => event(b * BATCH + k, `u-${k % 50}`))),
    );
    const requests = Math.ceil(INGEST_EVENTS / BATCH);
    let next = 0;
    t0 = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < requests) {
          const i = next++;
          const res = await send('POST', `/ingest/${businessId}`, bodies[i % bodies.length]);
          if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${res.text}`);
        }
      }),
    );
    const acceptedSeconds = (performance.now() - t0) / 1000;
    await waitFor(
      async () =>
        (await db.pool.query("SELECT count(*)::int AS n FROM ingest_batch WHERE status = 'pending'")).rows[0].n === 0,
      600_000,
      'evaluation',
    );
    const evaluatedSeconds = (performance.now() - t0) / 1000;
    const ingestRate = (requests * BATCH) / evaluatedSeconds;

    // 3. Latency at a fixed offered rate.
    const sentAt = new Map<string, number>();
    const total = LATENCY_RATE * LATENCY_SECONDS;
    const startWall = Date.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = startWall + (i * 1000) / LATENCY_RATE;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const user = `lat-${i}`;
      const batch = Array.from({ length: LATENCY_BATCH }, (_, k) =>
        event(i * LATENCY_BATCH + k, k === 0 ? user : `n-${k}`),
      );
      sentAt.set(user, Date.now());
      inflight.push(http('POST', `/ingest/${businessId}`, batch).then(() => undefined));
    }
    await Promise.all(inflight);
    await waitFor(
      async () =>
        (await db.pool.query("SELECT count(*)::int AS n FROM alert WHERE group_key->>'user_id' LIKE 'lat-%'")).rows[0]
          .n >= total,
      120_000,
      'latency alerts',
    );
    const rows = await db.pool.query<{ user_id: string; at: Date }>(
      "SELECT group_key->>'user_id' AS user_id, first_seen_at AS at FROM alert WHERE group_key->>'user_id' LIKE " +
        "'lat-%'",
    );
    const latencies = rows.rows.map((r) => r.at.getTime() - sentAt.get(r.user_id)!).sort((a, b) => a - b);

    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    process.stdout.write(
      [
        '',
        `Anom ingest benchmark (${new Date().toISOString()}, node ${process.version}, ${RULES.length} rules: ` +
          `${RULESET === 'mixed' ? '10 immediate, 5 sequence, 5 aggregate' : 'all immediate'})`,
        `  raw COPY into event:          ${fmt(copyRate)} rows/s   (${fmt(copyRows)} rows in ` +
          `${copySeconds.toFixed(1)} s, batches of ${BATCH})`,
        `  POST /ingest until evaluated: ${fmt(ingestRate)} events/s (${fmt(requests * BATCH)} events; accepted ` +
          `in ${acceptedSeconds.toFixed(1)} s, evaluated by ${evaluatedSeconds.toFixed(1)} s; ${CLIENTS} ` +
          `clients, batches of ${BATCH})`,
        `  ratio ingest/COPY:            ${(ingestRate / copyRate).toFixed(2)}   (target >= 0.6)`,
        `  ingest->alert latency:        p50 ${latencies.length ? quantile(latencies, 0.5) : NaN} ms, p99 ` +
          `${quantile(latencies, 0.99)} ms, max ${latencies[latencies.length - 1]} ms`,
        `                                at ${LATENCY_RATE} req/s x ${LATENCY_BATCH} events = ` +
          `${fmt(LATENCY_RATE * LATENCY_BATCH)} events/s offered for ${LATENCY_SECONDS} s (${latencies.length} alerts)`,
        '',
      ].join('\n'),
    );
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await db.close();
    const redis = new IORedis(REDIS);
    const keys = await redis.keys(`${PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
