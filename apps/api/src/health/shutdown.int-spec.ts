import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { ADMIN_TOKEN, TestStack, businessBody, waitUntil } from '../../../../test/harness';
import { REDIS_URL, TEST_SECRET_KEY } from '../../../../test/env';

jest.setTimeout(120_000);

const root = join(__dirname, '../../../..');
const DIST_API = join(root, 'dist/apps/api/src/main.js');
const DIST_WORKER = join(root, 'dist/apps/worker/src/main.js');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * The exit of a child and when it happened. A clean stop is `clean`: exit code 0, or the SIGTERM that Nest's shutdown
 * hooks raise again once the app has closed (the conventional exit "by" the signal).
 */
function exited(child: ChildProcess): Promise<{ clean: boolean; code: number | null; at: number }> {
  return new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ clean: code === 0 || signal === 'SIGTERM', code, at: Date.now() })),
  );
}

/**
 * Graceful shutdown of the production build (dist/, `npm run build:server`):
 * the compiled api and worker run as their own processes, get SIGTERM, and
 * must finish or hand back what they hold and exit within a bounded time.
 */
describe('graceful shutdown of the compiled api and worker (child processes + Postgres + Redis)', () => {
  const stack = new TestStack();
  const business = businessBody();
  const children: ChildProcess[] = [];

  function start(script: string, env: Record<string, string>): ChildProcess {
    const child = spawn(process.execPath, [script], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: stack.databaseUrl,
        REDIS_URL,
        QUEUE_PREFIX: stack.prefix,
        ANOM_ADMIN_TOKEN: ADMIN_TOKEN,
        ANOM_SECRET_KEY: TEST_SECRET_KEY,
        EVALUATE_PARTITIONS: '2',
        LOG_LEVEL: 'warn',
        PROFILE_EVERY_MS: '0',
        WORKER_HTTP_PORT: '0',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    return child;
  }

  /**
   * Ingests `event` while a transaction of the test holds the alert table, and resolves once the worker's
   * evaluation of it waits on that lock (mid-transaction: alerts are written in it). COMMIT the blocker to let it go.
   */
  async function ingestBlocked(event: Record<string, unknown>): Promise<{ blocker: Client; batchId: string }> {
    const blocker = new Client({ connectionString: stack.databaseUrl });
    blocker.on('error', () => undefined);
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE alert IN EXCLUSIVE MODE');
    const res = await stack.request('POST', `/ingest/${business.id}`, { body: [event] });
    expect(res.status).toBe(202);
    await waitUntil(
      'the evaluation to wait on the lock',
      async () =>
        (
          await stack.db.pool.query(
            "SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND pid <> $2",
            [stack.dbName, (blocker as unknown as { processID: number }).processID],
          )
        ).rowCount! > 0,
    );
    return { blocker, batchId: res.body.batchId };
  }

  beforeAll(async () => {
    if (!existsSync(DIST_API) || !existsSync(DIST_WORKER))
      throw new Error('no production build in dist/: run `npm run build:server` first');
    await stack.start();
    expect((await stack.request('POST', '/businesses', { body: business })).status).toBe(201);
    const rule = { name: 'u1 seen', kind: 'immediate', condition: 'user_id == "u1"', severity: 'low' };
    expect((await stack.request('POST', `/businesses/${business.id}/rules`, { body: rule })).status).toBe(201);
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await stack.stop();
  });

  it('the api ends open alert streams and exits promptly on SIGTERM', async () => {
    const port = await freePort();
    const api = start(DIST_API, { API_PORT: String(port) });
    const exit = exited(api);
    const base = `http://127.0.0.1:${port}`;
    await waitUntil('the api', async () => (await fetch(`${base}/health`).catch(() => null))?.ok === true);
    // A browser's live alert stream, held open.
    const stream = await fetch(`${base}/stream/alerts`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = stream.body!.getReader();
    const ended = (async () => {
      for (;;) if ((await reader.read()).done) return Date.now();
    })();
    const sent = Date.now();
    api.kill('SIGTERM');
    const { clean, at } = await exit;
    expect(clean).toBe(true);
    expect(at - sent).toBeLessThan(10_000);
    expect((await ended) - sent).toBeLessThan(10_000);
  });

  it('the worker finishes the evaluation it is running before it exits', async () => {
    const worker = start(DIST_WORKER, { SHUTDOWN_TIMEOUT_MS: '20000' });
    const exit = exited(worker);
    const { blocker, batchId } = await ingestBlocked({ timestamp: new Date().toISOString(), user_id: 'u1' });
    worker.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(worker.exitCode).toBeNull(); // still finishing its job
    await blocker.query('COMMIT');
    await blocker.end();
    expect((await exit).clean).toBe(true);
    const batch = await stack.db.pool.query('SELECT status FROM ingest_batch WHERE id = $1', [batchId]);
    expect(batch.rows[0].status).toBe('done');
    expect(await stack.count('alert', 'business_id = $1', [business.id])).toBe(1);
  });

  it(
    'a worker stuck past SHUTDOWN_TIMEOUT_MS exits anyway, and its batch is evaluated by the next ' + 'worker',
    async () => {
      const worker = start(DIST_WORKER, { SHUTDOWN_TIMEOUT_MS: '3000', JOB_LOCK_MS: '2000' });
      const exit = exited(worker);
      const { blocker, batchId } = await ingestBlocked({
        timestamp: new Date().toISOString(),
        user_id: 'u1',
        heart_rate: 70,
      });
      const sent = Date.now();
      worker.kill('SIGTERM');
      const { code, at } = await exit;
      expect(code).toBe(1);
      expect(at - sent).toBeGreaterThanOrEqual(2_900);
      expect(at - sent).toBeLessThan(8_000);
      await blocker.query('COMMIT');
      await blocker.end();
      // Accepted is evaluated: the next worker takes the batch the stopped one held.
      await stack.startWorker();
      await stack.waitForEvaluation(90_000);
      const batch = await stack.db.pool.query('SELECT status FROM ingest_batch WHERE id = $1', [batchId]);
      expect(batch.rows[0].status).toBe('done');
      const alert = await stack.db.pool.query('SELECT count FROM alert WHERE business_id = $1', [business.id]);
      expect(alert.rows).toEqual([{ count: 2 }]);
    },
  );
});
