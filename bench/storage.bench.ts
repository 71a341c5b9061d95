/**
 * `npm run bench` (storage): the event store as a plain table, as a
 * TimescaleDB hypertable and as a compressed hypertable. For each, on
 * BENCH_STORAGE_EVENTS events (default 1,000,000) spread over 7 days for 10
 * services:
 *  1. write rate: events/s through the ingest write path's COPY, in batches of 5,000;
 *  2. disk: bytes per million events (table, indexes and TOAST; every chunk on a hypertable);
 *  3. a 7-day series query: hourly average of one field per service
 *     (ViewRepository.series, what a view panel runs), median of 5 after a warm-up;
 * then, on the compressed hypertable, a streamed export of every event
 * (GET /businesses/:id/events/export, NDJSON and CSV) through a separate api
 * process whose V8 heap is capped at 128 MiB (an export that buffered would
 * fail), with that process's peak resident memory (VmHWM) before and after.
 * Needs Postgres with TimescaleDB preloaded (the hypertable rows are skipped otherwise).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { Database, EventStore, ViewRepository, copyEvents, migrate, type NewEvent } from '@anom/db';

const PG = process.env.BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432';
const EVENTS = Number(process.env.BENCH_STORAGE_EVENTS ?? 1_000_000);
const BATCH = 5_000;
const DAYS = 7;
const SERVICES = 10;
const PORT = Number(process.env.BENCH_PORT ?? 3918);
const TOKEN = 'bench-bootstrap-token-0123456789abcdef';
const BUSINESS = 'bench-metrics';
const root = path.resolve(__dirname, '..');
// 96 MiB sufficed on Node 20; on Node 24 the api compiled on the fly (swc-node) needs about 95 MiB of old space just to
// start. 128 MiB still proves streaming: a buffered million-event export needs several times that.
const HEAP_CAP_MB = 128;

interface Row {
  store: string;
  writeRate: number | null;
  bytesPerMillion: number;
  queryMs: number;
}

async function freshDatabase(name: string, timescale: boolean): Promise<string> {
  const admin = new Client({ connectionString: `${PG}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  const url = `${PG}/${name}`;
  const prior = process.env.ANOM_TIMESCALE;
  process.env.ANOM_TIMESCALE = timescale ? 'on' : 'off';
  try {
    await migrate(url);
  } finally {
    if (prior === undefined) delete process.env.ANOM_TIMESCALE;
    else process.env.ANOM_TIMESCALE = prior;
  }
  return url;
}

/** Writes EVENTS events over the last 7 days; returns events/s. */
async function fill(db: Database): Promise<number> {
  await db.pool.query(
    `INSERT INTO business (id, name, timestamp_field, entity_key_fields) VALUES ($1, 'Bench', 'timestamp', ` +
      `'{service}')`,
    [BUSINESS],
  );
  await db.pool.query(
    `INSERT INTO field (business_id, name, type, position) VALUES ($1, 'timestamp', 'timestamp', 0),
       ($1, 'service', 'string', 1), ($1, 'cpu_percent', 'number', 2), ($1, 'mem_mb', 'number', 3)`,
    [BUSINESS],
  );
  const end = Date.now() - 60_000;
  const start = end - DAYS * 86_400_000;
  const step = (end - start) / EVENTS;
  const started = performance.now();
  for (let offset = 0; offset < EVENTS; offset += BATCH) {
    const events: NewEvent[] = [];
    for (let i = offset; i < Math.min(EVENTS, offset + BATCH); i++) {
      const t = new Date(start + i * step);
      const service = `svc-${i % SERVICES}`;
      events.push({
        id: randomUUID(),
        eventTime: t,
        entityKey: service,
        clientEventId: null,
        payload: {
          timestamp: t.toISOString(),
          service,
          cpu_percent: Math.round((40 + 30 * Math.sin(i / 5_000) + (i % 17)) * 10) / 10,
          mem_mb: 512 + (i % 101),
        },
      });
    }
    await db.transaction(async ({ sql }) => {
      const batchId = randomUUID();
      await sql.query(
        'INSERT INTO ingest_batch (id, business_id, status, event_count, min_time, max_time) ' +
          "VALUES ($1, $2, 'done', $3, $4, $5)",
        [batchId, BUSINESS, events.length, events[0].eventTime, events[events.length - 1].eventTime],
      );
      await copyEvents(sql, BUSINESS, batchId, 1, new Date(), events);
    });
  }
  const seconds = (performance.now() - started) / 1000;
  await db.pool.query('VACUUM ANALYZE event');
  return EVENTS / seconds;
}

async function seriesMs(db: Database): Promise<number> {
  const views = new ViewRepository(db);
  const to = new Date();
  const q = {
    businessId: BUSINESS,
    field: 'cpu_percent',
    agg: 'avg' as const,
    groupBy: 'service',
    filter: null,
    bucketMs: 3_600_000,
    from: new Date(to.getTime() - DAYS * 86_400_000),
    to,
    maxGroups: SERVICES,
  };
  const groups = await views.series(q);
  if (groups.length !== SERVICES) throw new Error(`series returned ${groups.length} groups`);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await views.series(q);
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[2];
}

async function measure(db: Database, label: string, writeRate: number | null): Promise<Row> {
  const bytes = await new EventStore(db).bytes();
  return { store: label, writeRate, bytesPerMillion: (bytes / EVENTS) * 1_000_000, queryMs: await seriesMs(db) };
}

function peakRssMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function exportFigures(url: string): Promise<string[]> {
  const env = {
    DATABASE_URL: url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    ANOM_ADMIN_TOKEN: TOKEN,
    API_PORT: String(PORT),
    QUEUE_PREFIX: `anombench-storage-${Date.now()}`,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    ANOM_SECRET_KEY: Buffer.alloc(32, 'anom-bench').toString('base64'),
    RATE_LIMIT_PER_MINUTE: '0',
  };
  // A HEAP_CAP_MB cap on V8's old space: an export that buffered would run out of heap on a million events.
  const api = spawn(
    process.execPath,
    [`--max-old-space-size=${HEAP_CAP_MB}`, '-r', '@swc-node/register', 'apps/api/src/main.ts'],
    {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const base = `http://127.0.0.1:${PORT}`;
  const out: string[] = [];
  try {
    for (let i = 0; ; i++) {
      if ((await fetch(`${base}/health`).catch(() => null))?.ok) break;
      if (i > 600) throw new Error('the api did not come up');
      await new Promise((r) => setTimeout(r, 100));
    }
    // A small export first, so the baseline includes the route's code paths being loaded.
    await (
      await fetch(
        `${base}/businesses/${BUSINESS}/events/export?from=${new Date(Date.now() - 3_600_000).toISOString()}`,
        {
          headers: { authorization: `Bearer ${TOKEN}` },
        },
      )
    ).text();
    for (const format of ['ndjson', 'csv']) {
      const before = peakRssMb(api);
      const started = performance.now();
      const res = await fetch(`${base}/businesses/${BUSINESS}/events/export?format=${format}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      let bytes = 0;
      let lines = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        for (const b of chunk) if (b === 10) lines++;
      }
      const seconds = (performance.now() - started) / 1000;
      out.push(
        `export ${format.padEnd(6)} ${lines.toLocaleString('en')} lines, ${(bytes / 2 ** 20).toFixed(0)} MiB in ` +
          `${seconds.toFixed(1)} s (${Math.round(EVENTS / seconds).toLocaleString('en')} events/s); api (V8 heap ` +
          `capped at ${HEAP_CAP_MB} MiB) peak RSS ${before.toFixed(0)} MiB before, ${peakRssMb(api).toFixed(0)} ` +
          `MiB after`,
      );
    }
  } finally {
    api.kill('SIGTERM');
  }
  return out;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const plainUrl = await freshDatabase('anom_bench_plain', false);
  const plain = new Database(plainUrl, 4);
  rows.push(await measure(plain, 'plain table', await fill(plain)));
  await plain.close();

  const hyperUrl = await freshDatabase('anom_bench_hyper', true);
  const hyper = new Database(hyperUrl, 4);
  const store = new EventStore(hyper);
  let exports: string[] = [];
  if (await store.isHypertable()) {
    rows.push(await measure(hyper, 'hypertable', await fill(hyper)));
    const chunks = await store.compressChunks(new Date(Date.now() + 86_400_000), async () => true);
    await hyper.pool.query('ANALYZE event');
    rows.push(await measure(hyper, `compressed (${chunks.length} chunks)`, null));
    exports = await exportFigures(hyperUrl);
  } else {
    process.stdout.write(`(hypertable rows skipped: ${(await store.describe()).summary})\n`);
  }
  await hyper.close();

  const base = rows[0];
  process.stdout.write(
    `\nEvent store, ${EVENTS.toLocaleString('en')} events over ${DAYS} days (${SERVICES} services)\n`,
  );
  process.stdout.write(
    'store                     write ev/s   vs plain   MiB per 1M events   7-day hourly series (ms)\n',
  );
  for (const r of rows)
    process.stdout.write(
      `${r.store.padEnd(25)} ${(r.writeRate ? Math.round(r.writeRate).toLocaleString('en') : '—').padStart(10)}   ` +
        `${(r.writeRate && base.writeRate ? `${(r.writeRate / base.writeRate).toFixed(2)}×` : '—').padStart(8)}   ` +
        `${(r.bytesPerMillion / 2 ** 20).toFixed(1).padStart(17)}   ${r.queryMs.toFixed(1).padStart(24)}\n`,
    );
  for (const line of exports) process.stdout.write(`${line}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
