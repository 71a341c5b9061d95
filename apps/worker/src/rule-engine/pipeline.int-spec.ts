import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Queue } from 'bullmq';
import { evaluateJobId, evaluatePartition, evaluateQueueName } from '@anom/contracts';
import { seed } from '@anom/db';
import { TestStack, businessBody, expectProblem, waitUntil, ADMIN_TOKEN } from '../../../../test/harness';
import { REDIS_URL } from '../../../../test/env';
import { EvaluateService } from './evaluate.service';
import { OutboxSweeper } from '../maintenance/outbox-sweeper.service';
import { AnomClient } from '../../../cli/src/api-client';
import { replay } from '../../../cli/src/replay';

const t = (minute: number) => new Date(Date.UTC(2025, 0, 1, 8, minute)).toISOString();
const tachycardia = {
  name: 'Tachycardia at rest',
  kind: 'immediate',
  condition: 'heart_rate > 100 && activity_level < 10',
  groupBy: ['user_id'],
  severity: 'high',
  escalations: [{ when: 'heart_rate > 130', severity: 'critical' }],
};

describe('pipeline: ingest -> evaluate -> alert (api + worker + Postgres + Redis)', () => {
  const stack = new TestStack();
  const business = businessBody();

  beforeAll(async () => {
    await stack.start({ worker: true });
    await stack.request('POST', '/businesses', { body: business });
    await stack.request('POST', `/businesses/${business.id}/rules`, { body: tachycardia });
  });
  afterAll(() => stack.stop());

  it('raises one alert per group, counts repeat matches, escalates, goes through acknowledge, resolve', async () => {
    await stack.request('POST', `/ingest/${business.id}`, {
      body: [
        { timestamp: t(0), user_id: 'ann', heart_rate: 112, activity_level: 2 },
        { timestamp: t(1), user_id: 'ann', heart_rate: 70, activity_level: 2 },
        { timestamp: t(2), user_id: 'bob', heart_rate: 140, activity_level: 60 },
      ],
    });
    await stack.waitForEvaluation();
    let alerts = (await stack.request('GET', `/alerts?businessId=${business.id}`)).body.items;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      status: 'open',
      severity: 'high',
      count: 1,
      groupKey: { user_id: 'ann' },
      startTime: t(0),
      endTime: t(0),
    });
    expect(alerts[0].summary).toBe('Tachycardia at rest: heart_rate=112, activity_level=2 (user_id=ann)');

    // A later match on the open alert raises count and severity; it does not open a second alert.
    await stack.request('POST', `/ingest/${business.id}`, {
      body: [{ timestamp: t(5), user_id: 'ann', heart_rate: 135, activity_level: 1 }],
    });
    await stack.waitForEvaluation();
    alerts = (await stack.request('GET', `/alerts?businessId=${business.id}`)).body.items;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ count: 2, severity: 'critical', endTime: t(5) });
    const id = alerts[0].id;

    const detail = (await stack.request('GET', `/alerts/${id}`)).body;
    expect(detail.eventIds).toHaveLength(2);
    expect(detail.evidence.samples.map((s: { values: { heart_rate: number } }) => s.values.heart_rate)).toEqual([
      112, 135,
    ]);
    expect(detail.history.map((h: { toStatus: string; severity: string }) => [h.toStatus, h.severity])).toEqual([
      ['open', 'high'],
      ['open', 'critical'],
    ]);

    const acked = await stack.request('POST', `/alerts/${id}/acknowledge`, { body: { note: 'called ann' } });
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'bootstrap', note: 'called ann' });
    expectProblem(await stack.request('POST', `/alerts/${id}/acknowledge`, { body: {} }), 409);

    // Matches while acknowledged still count into the same alert.
    await stack.request('POST', `/ingest/${business.id}`, {
      body: [{ timestamp: t(6), user_id: 'ann', heart_rate: 120, activity_level: 1 }],
    });
    await stack.waitForEvaluation();
    expect((await stack.request('GET', `/alerts/${id}`)).body).toMatchObject({ status: 'acknowledged', count: 3 });

    const resolved = await stack.request('POST', `/alerts/${id}/resolve`, { body: { note: 'sensor loose' } });
    expect(resolved.body).toMatchObject({ status: 'resolved', resolvedBy: 'bootstrap', resolveNote: 'sensor loose' });
    expectProblem(await stack.request('POST', `/alerts/${id}/resolve`, { body: {} }), 409);
    const history = (await stack.request('GET', `/alerts/${id}`)).body.history;
    expect(history.slice(-2)).toEqual([
      expect.objectContaining({ fromStatus: 'open', toStatus: 'acknowledged', actor: 'bootstrap', note: 'called ann' }),
      expect.objectContaining({
        fromStatus: 'acknowledged',
        toStatus: 'resolved',
        actor: 'bootstrap',
        note: 'sensor loose',
      }),
    ]);

    // After resolve, a new match opens a new alert for the same fingerprint.
    await stack.request('POST', `/ingest/${business.id}`, {
      body: [{ timestamp: t(9), user_id: 'ann', heart_rate: 115, activity_level: 1 }],
    });
    await stack.waitForEvaluation();
    const all = (await stack.request('GET', `/alerts?businessId=${business.id}&status=open`)).body.items;
    expect(all).toHaveLength(1);
    expect(all[0].id).not.toBe(id);
    expect(all[0].fingerprint).toBe(alerts[0].fingerprint);
  });

  it('filters and pages alerts', async () => {
    const open = await stack.request(
      'GET',
      `/alerts?businessId=${business.id}&status=open,acknowledged&severity=high,critical&limit=1`,
    );
    expect(open.body.items).toHaveLength(1);
    const resolved = await stack.request('GET', `/alerts?businessId=${business.id}&status=resolved`);
    expect(resolved.body.items).toHaveLength(1);
    const page1 = await stack.request('GET', `/alerts?businessId=${business.id}&limit=1`);
    const page2 = await stack.request(
      'GET',
      `/alerts?businessId=${business.id}&limit=1&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body.items).toHaveLength(1);
    expectProblem(await stack.request('GET', '/alerts?status=closed'), 400);
    expectProblem(await stack.request('GET', '/alerts?limit=9999'), 400);
    expectProblem(await stack.request('GET', '/alerts/not-a-uuid'), 400);
    expectProblem(await stack.request('GET', '/alerts/00000000-0000-0000-0000-000000000000'), 404);
    expectProblem(
      await stack.request('POST', '/alerts/00000000-0000-0000-0000-000000000000/acknowledge', { body: {} }),
      404,
    );
    expectProblem(
      await stack.request('POST', `/alerts/${open.body.items[0].id}/acknowledge`, { body: { note: 5 } }),
      400,
    );
  });

  it('does not double an alert when a batch is evaluated again', async () => {
    const b = businessBody();
    await stack.request('POST', '/businesses', { body: b });
    await stack.request('POST', `/businesses/${b.id}/rules`, { body: tachycardia });
    const r = await stack.request('POST', `/ingest/${b.id}`, {
      body: [1, 2, 3].map((m) => ({ timestamp: t(m), user_id: 'cy', heart_rate: 110 + m, activity_level: 1 })),
    });
    await stack.waitForEvaluation();
    const before = (await stack.request('GET', `/alerts?businessId=${b.id}`)).body.items;
    expect(before).toEqual([expect.objectContaining({ count: 3 })]);

    // Force a second evaluation of the same batch, as a redelivered job would.
    await stack.db.pool.query("UPDATE ingest_batch SET status = 'pending' WHERE id = $1", [r.body.batchId]);
    const outcome = await stack.worker!.get(EvaluateService).evaluateBatch(r.body.batchId);
    expect(outcome).toMatchObject({ status: 'done', opened: [], updated: [], alreadyCounted: 3 });
    // And once more through the queue: the sweeper re-enqueues it.
    await stack.db.pool.query("UPDATE ingest_batch SET status = 'pending' WHERE id = $1", [r.body.batchId]);
    await stack.worker!.get(OutboxSweeper).sweep();
    await stack.waitForEvaluation();
    const after = (await stack.request('GET', `/alerts?businessId=${b.id}`)).body.items;
    expect(after).toEqual([expect.objectContaining({ id: before[0].id, count: 3 })]);
    expect(await stack.count('alert', 'business_id = $1', [b.id])).toBe(1);
  });

  it('evaluates events accepted while no worker ran, once a worker starts', async () => {
    await stack.stopWorker();
    const b = businessBody();
    await stack.request('POST', '/businesses', { body: b });
    await stack.request('POST', `/businesses/${b.id}/rules`, { body: tachycardia });
    const r = await stack.request('POST', `/ingest/${b.id}`, {
      body: { timestamp: t(0), user_id: 'dee', heart_rate: 121, activity_level: 0 },
    });
    expect(r.status).toBe(202);
    await new Promise((res) => setTimeout(res, 300));
    expect(await stack.count('alert', 'business_id = $1', [b.id])).toBe(0);
    await stack.startWorker();
    await stack.waitForEvaluation();
    expect(await stack.count('alert', 'business_id = $1', [b.id])).toBe(1);
  });

  it('evaluates a backlog in one run and removes the jobs of the batches it covered', async () => {
    await stack.stopWorker();
    const b = businessBody();
    await stack.request('POST', '/businesses', { body: b });
    await stack.request('POST', `/businesses/${b.id}/rules`, { body: tachycardia });
    const ids: string[] = [];
    for (const m of [0, 1, 2])
      ids.push(
        (
          await stack.request('POST', `/ingest/${b.id}`, {
            body: { timestamp: t(m), user_id: 'eve', heart_rate: 120 + m, activity_level: 0 },
          })
        ).body.batchId,
      );
    const queue = new Queue(evaluateQueueName(evaluatePartition(b.id, 2)), {
      connection: { url: REDIS_URL },
      prefix: stack.prefix,
    });
    try {
      expect(await Promise.all(ids.map(async (id) => (await queue.getJob(evaluateJobId(id)))?.id))).toEqual(
        ids.map(evaluateJobId),
      );
      await stack.startWorker();
      await stack.waitForEvaluation();
      // The first job evaluated all three batches; the other two jobs were removed, not run as no-ops.
      // (Its batches commit before BullMQ records the job's return value: wait for that.)
      const first = await waitUntil(
        'the first job completed',
        async () => (await queue.getJob(evaluateJobId(ids[0])))?.returnvalue ?? undefined,
      );
      expect(first).toMatchObject({ status: 'done', batches: 3, events: 3 });
      expect(await queue.getJob(evaluateJobId(ids[1]))).toBeUndefined();
      expect(await queue.getJob(evaluateJobId(ids[2]))).toBeUndefined();
      expect((await stack.request('GET', `/alerts?businessId=${b.id}`)).body.items).toEqual([
        expect.objectContaining({ count: 3 }),
      ]);
    } finally {
      await queue.close();
    }
  });
});

describe('pipeline with Redis unreachable at ingest', () => {
  // The api's Redis points at a closed port: enqueue fails, ingest must still answer 202.
  let closed: Server;
  const stack = new TestStack({ redisUrl: 'redis://127.0.0.1:1' });
  beforeAll(async () => {
    closed = createServer();
    await stack.start();
  });
  afterAll(async () => {
    closed.close();
    await stack.stop();
  });

  it('accepts durably, and the sweeper has the batch evaluated later', async () => {
    const b = businessBody();
    await stack.request('POST', '/businesses', { body: b });
    await stack.request('POST', `/businesses/${b.id}/rules`, { body: tachycardia });
    const r = await stack.request('POST', `/ingest/${b.id}`, {
      body: { timestamp: t(0), user_id: 'eve', heart_rate: 150, activity_level: 0 },
    });
    expect(r.status).toBe(202);
    expect(await stack.count('ingest_batch', "status = 'pending'")).toBe(1);
    const health = await stack.request('GET', '/health', { token: null });
    expect(health.status).toBe(503);
    expect(health.body.redis).toBe('down');

    await stack.startWorker();
    await stack.worker!.get(OutboxSweeper).sweep();
    await stack.waitForEvaluation();
    const alerts = await stack.db.pool.query('SELECT severity FROM alert WHERE business_id = $1', [b.id]);
    expect(alerts.rows).toEqual([{ severity: 'critical' }]);
  });
});

describe('replaying real CloudWatch data into the seeded service-metrics business', () => {
  const stack = new TestStack();
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    await stack.start({ worker: true });
    await seed(stack.db);
    // The CLI talks HTTP: serve the in-process api on an ephemeral port.
    await stack.api.listen(0, '127.0.0.1');
    server = stack.api.getHttpServer() as Server;
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => stack.stop());

  it('raises the CPU alerts on ec2_cpu_utilization_825cc2.csv and lets a person acknowledge them', async () => {
    const file = path.resolve(
      __dirname,
      '../../../../../shared/data/nab/data/realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv',
    );
    const summary = await replay(new AnomClient(baseUrl, ADMIN_TOKEN), {
      file,
      business: 'service-metrics',
      map: { value: 'cpu_percent' },
      set: { service: 'ec2-825cc2' },
      batch: 500,
      speed: 'max',
    });
    expect(summary).toMatchObject({ read: 4032, accepted: 4032, rejected: 0 });
    // The series sits above 80 % most of the time: one sustained-CPU episode per
    // unbroken run of 5+ samples, and every sample at or above 97 % counted into
    // one open CPU-saturated alert (fingerprint = rule + service).
    const saturated = summary.opened.filter((a) => a.summary.startsWith('CPU saturated'));
    const expected = await stack.db.pool.query<{ n: number; max: number }>(
      "SELECT count(*)::int AS n, max((payload->>'cpu_percent')::float) AS max FROM event WHERE business_id = " +
        "'service-metrics' AND (payload->>'cpu_percent')::float >= 97",
    );
    expect(saturated).toEqual([
      expect.objectContaining({
        status: 'open',
        count: expected.rows[0].n,
        severity: expected.rows[0].max >= 99 ? 'high' : 'medium',
      }),
    ]);
    expect(saturated[0].summary).toMatch(/^CPU saturated: cpu_percent=\d+(\.\d+)? \(service=ec2-825cc2\)$/);
    // Sustained high CPU (resolveAfter 10m): one alert per episode by the file's own clock. Runs that broke for 10
    // minutes or more of event time are separate episodes, each resolved by the next one's start (as the wall-clock
    // auto-resolve would have, live); the run still going when the file ends stays open.
    const sustained = summary.opened
      .filter((a) => a.summary.startsWith('Sustained high CPU'))
      .sort((a, b) => Date.parse(a.startTime) - Date.parse(b.startTime));
    expect(sustained.length).toBeGreaterThanOrEqual(2);
    expect(sustained.map((a) => a.status)).toEqual([...sustained.slice(1).map(() => 'resolved'), 'open']);
    for (let i = 1; i < sustained.length; i++)
      expect(Date.parse(sustained[i].startTime) - Date.parse(sustained[i - 1].endTime)).toBeGreaterThanOrEqual(
        10 * 60_000,
      );
    for (const a of sustained)
      expect(a.summary).toMatch(
        /^Sustained high CPU: \d+ consecutive, cpu_percent avg [\d.]+ min [\d.]+ max [\d.]+ \(service=ec2-825cc2\)$/,
      );
    const first = (await stack.request('GET', `/alerts/${sustained[0].id}`)).body;
    expect(first).toMatchObject({ status: 'resolved', resolvedBy: 'auto' });
    expect(first.history.at(-1)).toMatchObject({
      toStatus: 'resolved',
      actor: 'auto',
      note: expect.stringMatching(/by event time$/),
    });
    expect(summary.opened).toHaveLength(1 + sustained.length);

    const ack = await fetch(`${baseUrl}/alerts/${saturated[0].id}/acknowledge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'known batch job' }),
    });
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({ status: 'acknowledged', note: 'known batch job' });
  });
});
