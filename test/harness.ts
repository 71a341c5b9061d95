import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import IORedis from 'ioredis';
import { Database, type S3Settings } from '../libs/db/src';
import type { Role } from '../libs/contracts/src';
import { createApiApp } from '../apps/api/src/app.factory';
import type { ApiConfig } from '../apps/api/src/config/api.config';
import { createWorkerApp } from '../apps/worker/src/worker.factory';
import type { WorkerConfig } from '../apps/worker/src/config/worker.config';
import { copyTemplate } from './template-db';
import { ADMIN_TOKEN, REDIS_URL, TEMPLATE_DB, TEST_SECRET_KEY, adminUrl, databaseUrl } from './env';

export { ADMIN_TOKEN };

/** A signed-in person's session cookie and CSRF token (see TestStack.signIn). */
export interface Session {
  sessionId: string;
  csrfToken: string;
  email: string;
}

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
      nodeEnv: 'test',
      sessionIdleMs: 3_600_000,
      secureCookies: false,
      signInLockAfter: 5,
      signInLockMs: 60_000,
      signInMaxLockMs: 900_000,
      // Limits off: suites send thousands of requests from one address; the hardening suite turns them on.
      rateLimitPerMinute: 0,
      ingestRateLimitPerMinute: 0,
      authFailuresPerMinute: 0,
      corsOrigins: [],
      trustProxy: false,
      secretKey: TEST_SECRET_KEY,
      previousSecretKeys: [],
      // The suites' local receivers (webhook, SMTP) listen on loopback: allowed here, refused by default.
      outboundAllow: ['127.0.0.1'],
      tls: null,
      oidc: null,
      archive: null,
      webDist: null,
      provisioningDir: null,
      provisioningPrune: false,
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
      secretKey: TEST_SECRET_KEY,
      previousSecretKeys: [],
      outboundAllow: ['127.0.0.1'],
      archive: null,
      // Port 0: each worker's metrics and health server on a free port (see workerHttpUrl).
      httpPort: 0,
      httpHost: '127.0.0.1',
      metricsToken: '',
      ...overrides,
    };
  }

  async start(opts: { worker?: boolean } = {}): Promise<this> {
    const admin = new Client({ connectionString: adminUrl() });
    await admin.connect();
    try {
      await copyTemplate(admin, this.dbName, TEMPLATE_DB);
    } finally {
      await admin.end();
    }
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

  /** An HTTP request through Fastify's inject (no socket): the bootstrap token unless `token` or `as` is given. */
  async request<T = any>(
    method: string,
    url: string,
    opts: {
      body?: unknown;
      raw?: string;
      token?: string | null;
      contentType?: string;
      /** A signed-in person (see `signIn`): sends the session cookie and CSRF token instead of a token. */
      as?: Session;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Response<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.as) {
      headers.cookie = `anom_session=${opts.as.sessionId}`;
      headers['x-csrf-token'] = opts.as.csrfToken;
    } else if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? ADMIN_TOKEN}`;
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

  /**
   * Creates a person with `role` (through the api, as the bootstrap admin) and signs them in with their password.
   * Returns the session to pass as `as` to `request`.
   */
  async userSession(role: Role, email = `${role}-${randomBytes(3).toString('hex')}@test.local`): Promise<Session> {
    const password = 'correct horse battery staple';
    const created = await this.request('POST', '/users', { body: { email, displayName: role, role, password } });
    if (created.status !== 201) throw new Error(`creating ${email}: ${created.status} ${JSON.stringify(created.body)}`);
    return this.signIn(email, password);
  }

  /** Password sign-in: the session cookie's value and the CSRF token. Throws when the api refuses. */
  async signIn(email: string, password: string): Promise<Session> {
    const res = await this.request('POST', '/auth/sign-in', { body: { email, password }, token: null });
    if (res.status !== 200) throw new Error(`sign-in of ${email}: ${res.status} ${JSON.stringify(res.body)}`);
    const cookie = ([] as string[]).concat((res.headers['set-cookie'] as string | string[]) ?? []);
    const sessionId = /anom_session=([^;]+)/.exec(cookie.join('\n'))?.[1];
    if (!sessionId) throw new Error('sign-in set no session cookie');
    return { sessionId, csrfToken: res.body.csrfToken, email };
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
/**
 * A real S3-compatible server for the suites: s3rver (npm, MIT; a Node
 * implementation of the S3 REST API over a local directory), on a free
 * loopback port with one bucket. `settings` is what the archive store takes.
 */
export async function startS3Server(bucket = 'anom-archive'): Promise<{
  endpoint: string;
  bucket: string;
  settings: S3Settings;
  close: () => Promise<void>;
}> {
  const { default: S3rver } = await import('s3rver');
  const dir = mkdtempSync(join(tmpdir(), 'anom-s3-'));
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    // s3rver accepts its documented default key pair.
    settings: { endpoint, forcePathStyle: true, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

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

/**
 * Starts the test OpenID Connect provider (test/oidc-provider.mjs) on a free
 * port in a child process. `nextLogin` sets whom its login step signs in.
 */
export async function startOidcProvider(redirectUris: string[]): Promise<{
  issuer: string;
  clientId: string;
  clientSecret: string;
  nextLogin(account: {
    sub: string;
    email?: string;
    name?: string;
    anom_role?: string;
    email_verified?: boolean;
  }): Promise<void>;
  stop(): void;
}> {
  const child = spawn(process.execPath, [join(__dirname, 'oidc-provider.mjs'), ...redirectUris], {
    // Its start-up warnings (development keys and store) are expected; its stderr is shown only if it fails.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const issuer = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`oidc provider exited (${code}): ${stderr}`)));
  });
  return {
    issuer,
    clientId: 'anom',
    clientSecret: 'anom-test-client-secret',
    async nextLogin(account) {
      const r = await fetch(`${issuer}/test/next-login`, { method: 'POST', body: JSON.stringify(account) });
      if (r.status !== 204) throw new Error(`next-login: ${r.status}`);
    },
    stop: () => child.kill(),
  };
}
