import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import IORedis from 'ioredis';
import { Database } from '../libs/db/src';
import { createApiApp } from '../apps/api/src/app.factory';
import type { ApiConfig } from '../apps/api/src/config/api.config';
import { createWorkerApp } from '../apps/worker/src/worker.factory';
import type { WorkerConfig } from '../apps/worker/src/config/worker.config';
import { ADMIN_TOKEN, REDIS_URL, TEMPLATE_DB, adminUrl, databaseUrl } from './env';

export { ADMIN_TOKEN };

export interface Response<T = any> {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: T;
}

/**
 * A suite's own database (copied from the migrated template) and Redis key
 * prefix, with the api built in-process and the worker started on demand.
 */
export class TestStack {
  api!: NestFastifyApplication;
  worker: INestApplicationContext | null = null;
  db!: Database;
  readonly dbName = `anom_t_${randomBytes(6).toString('hex')}`;
  readonly prefix = `anomtest-${randomBytes(6).toString('hex')}`;
  readonly databaseUrl = databaseUrl(this.dbName);

  constructor(private readonly overrides: Partial<ApiConfig> = {}) {}

  apiConfig(): ApiConfig {
    return {
      databaseUrl: this.databaseUrl,
      redisUrl: REDIS_URL,
      adminToken: ADMIN_TOKEN,
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      prettyLogs: false,
      evaluatePartitions: 2,
      queuePrefix: this.prefix,
      ingestMaxBodyBytes: 1024 * 1024,
      ingestMaxBatch: 1000,
      ingestMaxFutureSkewMs: 600_000,
      backtestMaxEvents: 10_000,
      notifyAttempts: 4,
      notifyBackoffMs: 100,
      // Tests simulate event and tick times far from the wall clock, where wall-clock beats mean nothing;
      // ingest-availability tests turn it on.
      ingestHeartbeat: false,
      ...this.overrides,
    };
  }

  workerConfig(overrides: Partial<WorkerConfig> = {}): WorkerConfig {
    return {
      databaseUrl: this.databaseUrl,
      redisUrl: REDIS_URL,
      logLevel: 'silent',
      prettyLogs: false,
      evaluatePartitions: 2,
      queuePrefix: this.prefix,
      sweepEveryMs: 60_000,
      sweepMinAgeMs: 0,
      tickEveryMs: 60_000,
      autoResolveEveryMs: 60_000,
      retentionEveryMs: 3_600_000,
      lockDurationMs: 4_000,
      schedulerCheckMs: 1_000,
      smtpUrl: null,
      smtpFrom: 'Anom <anom@test.local>',
      notifyAttempts: 4,
      notifyBackoffMs: 100,
      notifyTimeoutMs: 3_000,
      notifySweepMinAgeMs: 60_000,
      publicUrl: 'http://anom.test',
      profileDays: 14,
      profileMaxEvents: 50_000,
      // Scheduled profiling off: suites ask for runs when they want them.
      profileEveryMs: 0,
      noiseBudgetPerDay: 5,
      ...overrides,
    };
  }

  async start(opts: { worker?: boolean } = {}): Promise<this> {
    const admin = new Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${this.dbName}" TEMPLATE "${TEMPLATE_DB}"`);
    await admin.end();
    this.db = new Database(this.databaseUrl, 5);
    this.api = await createApiApp(this.apiConfig());
    if (opts.worker) await this.startWorker();
    return this;
  }

  async startWorker(overrides: Partial<WorkerConfig> = {}): Promise<INestApplicationContext> {
    this.worker = await createWorkerApp(this.workerConfig(overrides));
    return this.worker;
  }

  /** A second worker in the same process (its own connections), to test two at once. */
  async startSecondWorker(overrides: Partial<WorkerConfig> = {}): Promise<INestApplicationContext> {
    return createWorkerApp(this.workerConfig(overrides));
  }

  async stopWorker(): Promise<void> {
    await this.worker?.close();
    this.worker = null;
  }

  async stop(): Promise<void> {
    await this.stopWorker();
    await this.api?.close();
    await this.db?.close();
    const redis = new IORedis(REDIS_URL);
    const keys = await redis.keys(`${this.prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    const admin = new Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${this.dbName}" WITH (FORCE)`);
    await admin.end();
  }

  /** An HTTP request through Fastify's inject (no socket), with the admin token unless `token` is given. */
  async request<T = any>(
    method: string,
    url: string,
    opts: { body?: unknown; raw?: string; token?: string | null; contentType?: string } = {},
  ): Promise<Response<T>> {
    const headers: Record<string, string> = {};
    if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? ADMIN_TOKEN}`;
    let payload: string | undefined;
    if (opts.raw !== undefined) {
      payload = opts.raw;
      headers['content-type'] = opts.contentType ?? 'application/json';
    } else if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] = opts.contentType ?? 'application/json';
    }
    const res = await this.api
      .getHttpAdapter()
      .getInstance()
      .inject({ method: method as 'GET', url, headers, payload });
    let body: unknown = res.body;
    try {
      body = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      // not JSON
    }
    return { status: res.statusCode, headers: res.headers, body: body as T };
  }

  /** Waits until every batch of the database is evaluated (or throws after `timeoutMs`). */
  async waitForEvaluation(timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.db.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM ingest_batch WHERE status = 'pending'",
      );
      if (r.rows[0].n === 0) return;
      if (Date.now() > until) throw new Error(`${r.rows[0].n} batch(es) still pending after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async count(table: string, where = 'true', args: unknown[] = []): Promise<number> {
    const r = await this.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, args);
    return r.rows[0].n;
  }
}

/**
 * Polls `fn` every `everyMs` until it returns something truthy, which it resolves to; throws after `timeoutMs` naming
 * `what`.
 */
export async function waitUntil<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
  everyMs = 50,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A business body with random id; `fields` default to a small vitals schema. */
export function businessBody(patch: Record<string, unknown> = {}): Record<string, any> {
  return {
    id: `b-${randomBytes(4).toString('hex')}`,
    name: 'Vitals',
    timezone: 'UTC',
    timestampField: 'timestamp',
    entityKeyFields: ['user_id'],
    fields: [
      { name: 'timestamp', type: 'timestamp', required: true },
      { name: 'user_id', type: 'string', required: true },
      { name: 'heart_rate', type: 'number', unit: 'bpm', min: 0, max: 300 },
      { name: 'activity_level', type: 'number', min: 0, max: 100 },
    ],
    ...patch,
  };
}

/** Asserts a problem+json answer with `status`; returns its body. */
export function expectProblem(res: Response, status: number): any {
  expect({ status: res.status, type: String(res.headers['content-type']).split(';')[0] }).toEqual({
    status,
    type: 'application/problem+json',
  });
  expect(res.body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
    }),
  );
  return res.body;
}
