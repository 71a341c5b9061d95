import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Queue } from 'bullmq';
import { evaluatePartition, evaluateQueueName } from '@anom/contracts';
import { EventRepository } from '@anom/db';
import { TestStack, businessBody, ADMIN_TOKEN } from '../../../../test/harness';
import { REDIS_URL } from '../../../../test/env';
import { EvaluateService } from './evaluate.service';
import { AutoResolveService } from '../maintenance/auto-resolve.service';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const T0 = Date.UTC(2025, 0, 1, 8);
const at = (minute: number) => new Date(T0 + minute * MIN).toISOString();
const sequenceRule = {
  name: 'Tachycardia at rest',
  kind: 'sequence',
  condition: 'heart_rate > 100 && activity_level < 10',
  minCount: 5,
  groupBy: ['user_id'],
  severity: 'high',
  escalations: [{ when: 'heart_rate > 130', severity: 'critical' }],
};
const vitals = (minute: number, user: string, hr: number) => ({
  timestamp: at(minute),
  user_id: user,
  heart_rate: hr,
  activity_level: 2,
});

describe('stateful rules through the pipeline (api + worker + Postgres + Redis)', () => {
  const stack = new TestStack();
  beforeAll(() => stack.start({ worker: true }));
  afterAll(() => stack.stop());

  async function business(rules: object[]) {
    const b = businessBody({ fields: [...businessBody().fields, { name: 'service', type: 'string' }] });
    await stack.request('POST', '/businesses', { body: b });
    for (const r of rules)
      expect((await stack.request('POST', `/businesses/${b.id}/rules`, { body: r })).status).toBe(201);
    return b.id as string;
  }

  it('carries a sequence run across batches into one alert with the run evidence', async () => {
    const id = await business([sequenceRule]);
    await stack.request('POST', `/ingest/${id}`, {
      body: [vitals(0, 'ann', 110), vitals(1, 'ann', 115), vitals(2, 'ann', 120)],
    });
    await stack.request('POST', `/ingest/${id}`, {
      body: [vitals(3, 'ann', 125), vitals(4, 'ann', 135), vitals(5, 'ann', 118)],
    });
    await stack.request('POST', `/ingest/${id}`, { body: [vitals(6, 'ann', 80), vitals(7, 'bob', 150)] });
    await stack.waitForEvaluation();
    const alerts = (await stack.request('GET', `/alerts?businessId=${id}`)).body.items;
    expect(alerts).toEqual([
      expect.objectContaining({
        count: 6,
        severity: 'critical',
        startTime: at(0),
        endTime: at(5),
        groupKey: { user_id: 'ann' },
      }),
    ]);
    expect(alerts[0].summary).toBe(
      'Tachycardia at rest: 6 consecutive, heart_rate avg 120.5 min 110 max 135; activity_level avg 2 min 2 max ' +
        '2 (user_id=ann)',
    );
    const detail = (await stack.request('GET', `/alerts/${alerts[0].id}`)).body;
    expect(detail.eventIds).toHaveLength(6);
    // The run broke at minute 6: the episode is over and the alert says when.
    const cleared = await stack.db.pool.query('SELECT cleared_at FROM alert WHERE id = $1', [alerts[0].id]);
    expect(cleared.rows[0].cleared_at).not.toBeNull();
  });

  it('counts an aggregate per group and auto-resolves after resolveAfter once it drops', async () => {
    const id = await business([
      {
        name: 'Fast average',
        kind: 'aggregate',
        aggregate: { fn: 'avg', field: 'heart_rate' },
        window: '5m',
        op: '>=',
        threshold: 120,
        groupBy: ['user_id'],
        severity: 'medium',
        resolveAfter: '1s',
      },
    ]);
    await stack.request('POST', `/ingest/${id}`, {
      body: [vitals(0, 'cy', 110), vitals(1, 'cy', 130), vitals(2, 'cy', 140)],
    });
    await stack.waitForEvaluation();
    const [alert] = (await stack.request('GET', `/alerts?businessId=${id}`)).body.items;
    expect(alert).toMatchObject({ status: 'open', count: 2 });
    expect(alert.summary).toBe('Fast average: avg(heart_rate) = 126.667 in 5m (user_id=cy)');
    await stack.request('POST', `/ingest/${id}`, { body: [vitals(9, 'cy', 70)] });
    await stack.waitForEvaluation();
    const sweeper = stack.worker!.get(AutoResolveService);
    expect(await sweeper.autoResolve(new Date())).toEqual([]);
    expect(await sweeper.autoResolve(new Date(Date.now() + 1_500))).toEqual([alert.id]);
    const resolved = (await stack.request('GET', `/alerts/${alert.id}`)).body;
    expect(resolved).toMatchObject({ status: 'resolved', resolvedBy: 'auto' });
    expect(resolved.history.at(-1)).toMatchObject({ fromStatus: 'open', toStatus: 'resolved', actor: 'auto' });
  });

  it("raises a baseline alert when a value leaves its group's learned band, and clears when it is back", async () => {
    const id = await business([
      {
        name: 'Pulse off baseline',
        kind: 'baseline',
        field: 'heart_rate',
        groupBy: ['user_id'],
        sensitivity: 4,
        minHistory: 10,
        severity: 'medium',
      },
    ]);
    const usual = Array.from({ length: 20 }, (_, i) => vitals(i, 'dee', 70 + (i % 5)));
    await stack.request('POST', `/ingest/${id}`, { body: usual });
    // Another user's different normal is learned separately.
    await stack.request('POST', `/ingest/${id}`, {
      body: Array.from({ length: 20 }, (_, i) => vitals(i, 'eve', 120 + (i % 3))),
    });
    await stack.request('POST', `/ingest/${id}`, { body: [vitals(20, 'dee', 125), vitals(20, 'eve', 121)] });
    await stack.waitForEvaluation();
    const alerts = (await stack.request('GET', `/alerts?businessId=${id}`)).body.items;
    expect(alerts).toEqual([expect.objectContaining({ status: 'open', count: 1, groupKey: { user_id: 'dee' } })]);
    expect(alerts[0].summary).toMatch(
      /^Pulse off baseline: heart_rate=125 outside [\d.]+–[\d.]+ \(usual 72, z [\d.]+\) \(user_id=dee\)$/,
    );
    await stack.request('POST', `/ingest/${id}`, { body: [vitals(21, 'dee', 72)] });
    await stack.waitForEvaluation();
    const cleared = await stack.db.pool.query('SELECT cleared_at FROM alert WHERE id = $1', [alerts[0].id]);
    expect(cleared.rows[0].cleared_at).not.toBeNull();
  });

  it(
    "shows a baseline alert's anomaly scores around it (GET /alerts/{id}/scores), and answers 400, 404 and 409 for " +
      'a malformed id, an unknown alert and an alert that has no score',
    async () => {
      const id = await business([
        {
          name: 'Pulse off baseline',
          kind: 'baseline',
          field: 'heart_rate',
          condition: 'activity_level < 10',
          groupBy: ['user_id'],
          severity: 'low',
        },
        { name: 'Tachycardia now', kind: 'immediate', condition: 'heart_rate > 160', severity: 'high' },
      ]);
      // 60 ordinary minutes for 'flo' (and another group), then one beat of 170 and two ordinary ones.
      const usual = Array.from({ length: 60 }, (_, i) => vitals(i, 'flo', 70 + (i % 5)));
      const other = Array.from({ length: 60 }, (_, i) => vitals(i, 'gus', 90 + (i % 3)));
      await stack.request('POST', `/ingest/${id}`, { body: [...usual, ...other] });
      await stack.request('POST', `/ingest/${id}`, {
        body: [vitals(60, 'flo', 170), vitals(61, 'flo', 72), vitals(62, 'flo', 71)],
      });
      // Then 'gus' alone, more events than a chart replays (5,000): the newest of the business are all his.
      for (let b = 0; b < 6; b++) {
        const flood = await stack.request('POST', `/ingest/${id}`, {
          body: Array.from({ length: 850 }, (_, i) =>
            vitals(63 + (b * 850 + i) / 100, 'gus', 90 + ((b * 850 + i) % 3)),
          ),
        });
        expect(flood.status).toBe(202);
      }
      await stack.waitForEvaluation();
      const alerts: { id: string; ruleId: string; groupKey: object; count: number }[] = (
        await stack.request('GET', `/alerts?businessId=${id}`)
      ).body.items;
      const rules = (await stack.request('GET', `/businesses/${id}/rules`)).body.items as {
        id: string;
        kind: string;
      }[];
      const baselineRule = rules.find((r) => r.kind === 'baseline')!.id;
      const baseline = alerts.find((a) => a.ruleId === baselineRule)!;
      expect(baseline.groupKey).toEqual({ user_id: 'flo' });
      const res = await stack.request('GET', `/alerts/${baseline.id}/scores`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ alertId: baseline.id, field: 'heart_rate', threshold: 0.5 });
      const points: { eventTime: string; value: number; score: number | null; match: boolean }[] = res.body.points;
      // Only the group's events, all of them, in event-time order; none scored before the rule's minHistory (30).
      expect(points).toHaveLength(63);
      expect(points.slice(0, 30).every((p) => p.score === null)).toBe(true);
      const spike = points.find((p) => p.value === 170)!;
      expect(spike).toMatchObject({ eventTime: at(60), match: true });
      expect(spike.score).toBeGreaterThan(0.5);
      // The spike is the one match: the mean and sequence windows that still hold it only echo it.
      expect(points.filter((p) => p.match)).toEqual([spike]);
      expect(alerts.find((a) => a.id === baseline.id)).toMatchObject({ count: 1 });
      expect(points.slice(30, 60).every((p) => p.score !== null && p.score < 0.5)).toBe(true);

      // A group's events are looked for among the business's newest (scan), as JSON; an absent field is null.
      const events = new EventRepository(stack.db);
      const to = new Date(T0 + DAY);
      const of = (groupKey: Record<string, unknown>, scan = 100_000) =>
        events.listOfGroup({ businessId: id, to, groupKey, limit: 10_000, scan });
      expect(await of({ user_id: 'flo' })).toHaveLength(63);
      expect(await of({ user_id: 'flo' }, 5_000)).toHaveLength(0);
      expect(await of({ user_id: 'flo', service: null })).toHaveLength(63);
      expect(await of({ user_id: 'flo', service: 'api' })).toHaveLength(0);
      expect(await of({ heart_rate: 170 })).toEqual([expect.objectContaining({ eventTime: new Date(at(60)) })]);
      expect(await of({ heart_rate: '170' })).toHaveLength(0);

      const malformed = await stack.request('GET', '/alerts/not-an-id/scores');
      expect(malformed.status).toBe(400);
      const unknown = await stack.request('GET', '/alerts/00000000-0000-4000-8000-000000000000/scores');
      expect(unknown.status).toBe(404);
      expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
      const immediate = alerts.find((a) => a.ruleId !== baselineRule)!;
      const notScored = await stack.request('GET', `/alerts/${immediate.id}/scores`);
      expect(notScored.status).toBe(409);
      expect(notScored.body).toMatchObject({
        code: 'ALERT_NOT_SCORED',
        errors: [{ pointer: '/alertId', detail: expect.stringMatching(/immediate, not baseline/) }],
      });

      // The alert's rule version no longer fits the schema (its condition's field went, once the rule dropped it): 409.
      const moved = await stack.request('PATCH', `/rules/${baselineRule}`, { body: { condition: null } });
      expect(moved.status).toBe(200);
      expect((await stack.request('DELETE', `/businesses/${id}/fields/activity_level`)).status).toBeLessThan(300);
      const drifted = await stack.request('GET', `/alerts/${baseline.id}/scores`);
      expect(drifted.status).toBe(409);
      expect(drifted.body).toMatchObject({ code: 'ALERT_NOT_SCORED', detail: expect.stringMatching(/no longer fits/) });
    },
  );

  it(
    'fires an absence rule on tick, for an expected group that never reported too, and clears when the group ' +
      'reports',
    async () => {
      const id = await business([
        {
          name: 'No heartbeat',
          kind: 'absence',
          window: '2m',
          groupBy: ['service'],
          expectedGroups: ['billing'],
          severity: 'high',
          resolveAfter: '1s',
        },
      ]);
      const now = Date.now();
      await stack.request('POST', `/ingest/${id}`, {
        body: { timestamp: new Date(now).toISOString(), user_id: 'x', service: 'api' },
      });
      await stack.waitForEvaluation();
      const evaluate = stack.worker!.get(EvaluateService);
      expect(await evaluate.tick(id, new Date(now + 60_000))).toEqual([]);
      const opened = await evaluate.tick(id, new Date(now + 3 * MIN));
      expect(opened).toHaveLength(2);
      // A repeated tick (a redelivered job) changes nothing.
      expect(await evaluate.tick(id, new Date(now + 3 * MIN))).toEqual([]);
      const alerts = (await stack.request('GET', `/alerts?businessId=${id}`)).body.items;
      expect(
        alerts.map((a: { groupKey: { service: string }; count: number }) => [a.groupKey.service, a.count]).sort(),
      ).toEqual([
        ['api', 1],
        ['billing', 1],
      ]);
      expect(alerts.find((a: { groupKey: { service: string } }) => a.groupKey.service === 'api').summary).toBe(
        'No heartbeat: no event for 3m (service=api)',
      );
      await stack.request('POST', `/ingest/${id}`, {
        body: { timestamp: new Date(now + 3 * MIN).toISOString(), user_id: 'x', service: 'api' },
      });
      await stack.waitForEvaluation();
      const resolved = await stack.worker!.get(AutoResolveService).autoResolve(new Date(Date.now() + 2_000));
      expect(resolved).toEqual([
        alerts.find((a: { groupKey: { service: string } }) => a.groupKey.service === 'api').id,
      ]);
    },
  );

  it('watches the groups stored before the rule existed, and none from replayed history', async () => {
    const id = await business([]);
    const now = Date.now();
    const beat = (service: string, ms: number) => ({ timestamp: new Date(ms).toISOString(), user_id: 'x', service });
    // b1 went silent 10 minutes ago, b2 reported a minute ago, legacy only in history replayed from 2014.
    await stack.request('POST', `/ingest/${id}`, {
      body: [beat('b1', now - 10 * MIN), beat('b2', now - MIN), beat('legacy', Date.UTC(2014, 3, 24))],
    });
    await stack.waitForEvaluation();
    const rule = { name: 'No heartbeat', kind: 'absence', window: '5m', groupBy: ['service'], severity: 'high' };
    expect((await stack.request('POST', `/businesses/${id}/rules`, { body: rule })).status).toBe(201);
    const opened = await stack.worker!.get(EvaluateService).tick(id, new Date(now));
    expect(opened).toHaveLength(1);
    const [alert] = (await stack.request('GET', `/alerts?businessId=${id}`)).body.items;
    expect(alert.groupKey).toEqual({ service: 'b1' });
    expect(alert.summary).toBe('No heartbeat: no event for 10m (service=b1)');
    // Four minutes on, b2 is due too; legacy, silent for years by the event clock, never is.
    expect(await stack.worker!.get(EvaluateService).tick(id, new Date(now + 4 * MIN))).toHaveLength(1);
    const groups = (await stack.request('GET', `/alerts?businessId=${id}`)).body.items.map(
      (a: { groupKey: { service: string } }) => a.groupKey.service,
    );
    expect(groups.sort()).toEqual(['b1', 'b2']);
  });

  it('does not count as silence the events still waiting for evaluation', async () => {
    const id = await business([
      { name: 'No heartbeat', kind: 'absence', window: '1m', groupBy: ['service'], severity: 'high' },
    ]);
    const now = Date.now();
    const beat = (service: string, ms: number) => ({ timestamp: new Date(ms).toISOString(), user_id: 'x', service });
    await stack.request('POST', `/ingest/${id}`, { body: [beat('api', now - 50_000), beat('db', now - 5 * MIN)] });
    await stack.waitForEvaluation();
    // api's next heartbeat is accepted but not evaluated (its queue is paused, as if no worker were up).
    const queue = new Queue(evaluateQueueName(evaluatePartition(id, 2)), {
      connection: { url: REDIS_URL },
      prefix: stack.prefix,
    });
    try {
      await queue.pause();
      expect((await stack.request('POST', `/ingest/${id}`, { body: beat('api', now) })).status).toBe(202);
      const evaluate = stack.worker!.get(EvaluateService);
      // 30 s later by the clock api looks silent for 80 s; as of its pending batch, for 50 s. db is silent either way.
      const opened = await evaluate.tick(id, new Date(now + 30_000));
      const groups = async () =>
        (await stack.request('GET', `/alerts?businessId=${id}`)).body.items.map(
          (a: { groupKey: { service: string } }) => a.groupKey.service,
        );
      expect(opened).toHaveLength(1);
      expect(await groups()).toEqual(['db']);
      await queue.resume();
      await stack.waitForEvaluation();
      expect(await evaluate.tick(id, new Date(now + 30_000))).toEqual([]);
      expect(await groups()).toEqual(['db']);
    } finally {
      await queue.resume();
      await queue.close();
    }
  });

  it('splits history sent at once into its episodes, the earlier resolved by event time', async () => {
    const id = await business([
      {
        name: 'Fast pulse',
        kind: 'immediate',
        condition: 'heart_rate > 100',
        groupBy: ['user_id'],
        resolveAfter: '5m',
      },
    ]);
    // Minutes 0 and 1, then 10 and 12: a 9-minute gap, more than resolveAfter; then 30, in a later batch.
    await stack.request('POST', `/ingest/${id}`, {
      body: [vitals(0, 'gus', 120), vitals(1, 'gus', 125), vitals(10, 'gus', 130), vitals(12, 'gus', 110)],
    });
    await stack.waitForEvaluation();
    await stack.request('POST', `/ingest/${id}`, { body: [vitals(30, 'gus', 140)] });
    await stack.waitForEvaluation();
    const alerts = (await stack.request('GET', `/alerts?businessId=${id}`)).body.items
      .map((a: { status: string; count: number; startTime: string; resolvedBy: string | null }) => [
        a.startTime,
        a.status,
        a.count,
        a.resolvedBy,
      ])
      .sort();
    expect(alerts).toEqual([
      [at(0), 'resolved', 2, 'auto'],
      [at(10), 'resolved', 2, 'auto'],
      [at(30), 'open', 1, null],
    ]);
  });

  it('keeps a resolved fingerprint quiet for the cooldown', async () => {
    const id = await business([
      { name: 'Fast pulse', kind: 'immediate', condition: 'heart_rate > 100', groupBy: ['user_id'], cooldown: '1h' },
    ]);
    await stack.request('POST', `/ingest/${id}`, { body: vitals(0, 'dee', 120) });
    await stack.waitForEvaluation();
    const [first] = (await stack.request('GET', `/alerts?businessId=${id}`)).body.items;
    await stack.request('POST', `/alerts/${first.id}/resolve`, { body: { note: 'ok' } });
    await stack.request('POST', `/ingest/${id}`, { body: vitals(1, 'dee', 125) });
    await stack.request('POST', `/ingest/${id}`, { body: vitals(2, 'eve', 125) });
    await stack.waitForEvaluation();
    const alerts = (await stack.request('GET', `/alerts?businessId=${id}`)).body.items;
    // dee stays quiet (cooldown); eve is another fingerprint.
    expect(
      alerts.map((a: { groupKey: { user_id: string }; status: string }) => [a.groupKey.user_id, a.status]).sort(),
    ).toEqual([
      ['dee', 'resolved'],
      ['eve', 'open'],
    ]);
  });

  it('stores an event too late for a stateful rule, does not evaluate it, and counts it on its batch', async () => {
    const id = await business([{ ...sequenceRule, allowedLateness: '2m' }]);
    await stack.request('POST', `/ingest/${id}`, { body: vitals(30, 'fay', 120) });
    const late = await stack.request('POST', `/ingest/${id}`, {
      body: [vitals(20, 'fay', 120), vitals(29, 'fay', 121)],
    });
    await stack.waitForEvaluation();
    const batch = await stack.request('GET', `/ingest/${id}/batches/${late.body.batchId}`);
    expect(batch.body).toMatchObject({ status: 'done', lateEvents: 1 });
    expect(await stack.count('event', 'business_id = $1', [id])).toBe(3);
  });

  it('with two worker processes at once, neither doubles nor loses a run', async () => {
    const id = await business([sequenceRule]);
    const second = await stack.startSecondWorker();
    try {
      // 10 users, 12 batches each of one reading: per user a run of 8 then a break then a run of 4 (no alert).
      const plan = (user: number, minute: number) => (minute === 8 ? 70 : 110 + user);
      const requests = [];
      for (let minute = 0; minute < 13; minute++) {
        for (let u = 0; u < 10; u++)
          requests.push(stack.request('POST', `/ingest/${id}`, { body: [vitals(minute, `u${u}`, plan(u, minute))] }));
        await Promise.all(requests.splice(0));
      }
      await stack.waitForEvaluation(60_000);
      const alerts = (await stack.request('GET', `/alerts?businessId=${id}&limit=100`)).body.items;
      expect(alerts).toHaveLength(10);
      expect(alerts.map((a: { count: number }) => a.count)).toEqual(Array(10).fill(8));
    } finally {
      await second.close();
    }
  });
});

describe('a worker killed with SIGKILL mid-stream', () => {
  const stack = new TestStack();
  beforeAll(() => stack.start());
  afterAll(() => stack.stop());

  function spawnWorker(): ChildProcess {
    const root = path.resolve(__dirname, '../../../..');
    return spawn(process.execPath, ['-r', '@swc-node/register', 'apps/worker/src/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: stack.databaseUrl,
        REDIS_URL,
        QUEUE_PREFIX: stack.prefix,
        EVALUATE_PARTITIONS: '2',
        LOG_LEVEL: 'silent',
        LOG_PRETTY: 'false',
        JOB_LOCK_MS: '3000',
        SWEEP_EVERY_MS: '1000',
        SWEEP_MIN_AGE_MS: '2000',
        ANOM_ADMIN_TOKEN: ADMIN_TOKEN,
      },
      stdio: 'ignore',
    });
  }

  it('loses no evaluation and doubles no alert', async () => {
    const b = businessBody();
    await stack.request('POST', '/businesses', { body: b });
    await stack.request('POST', `/businesses/${b.id}/rules`, { body: sequenceRule });
    await stack.request('POST', `/businesses/${b.id}/rules`, {
      body: { name: 'Any fast pulse', kind: 'immediate', condition: 'heart_rate > 100', groupBy: ['user_id'] },
    });
    let worker = spawnWorker();
    const batches = 60;
    for (let i = 0; i < batches; i++) {
      // Per user: minutes 0..59, fast except every 10th reading: runs of 9 -> each run fires.
      const body = [0, 1, 2, 3].map((u) => vitals(i, `k${u}`, i % 10 === 9 ? 75 : 120));
      expect((await stack.request('POST', `/ingest/${b.id}`, { body })).status).toBe(202);
      if (i === 25) {
        await new Promise((r) => setTimeout(r, 150));
        worker.kill('SIGKILL');
        await new Promise((r) => worker.once('exit', r));
        worker = spawnWorker();
      }
    }
    try {
      await stack.waitForEvaluation(90_000);
    } finally {
      worker.kill('SIGTERM');
    }
    // Immediate: every fast reading counted exactly once, in one open alert per user.
    const fast = batches - batches / 10;
    const counts = await stack.db.pool.query<{ name: string; n: number; total: number }>(
      'SELECT r.name, count(*)::int AS n, sum(a.count)::int AS total FROM alert a JOIN rule r ON r.id = ' +
        'a.rule_id WHERE a.business_id = $1 GROUP BY r.name ORDER BY r.name',
      [b.id],
    );
    expect(counts.rows).toEqual([
      { name: 'Any fast pulse', n: 4, total: 4 * fast },
      // Sequence: all runs (of 9 >= 5) counted into one open alert per user, every fast reading once.
      { name: 'Tachycardia at rest', n: 4, total: 4 * fast },
    ]);
    expect(await stack.count('rule_match')).toBe(2 * 4 * fast);
  });
});
