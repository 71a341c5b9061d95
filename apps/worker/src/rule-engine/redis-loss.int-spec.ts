import { randomUUID } from 'node:crypto';
import IORedis from 'ioredis';
import { EventRepository } from '@anom/db';
import { TestStack, businessBody, waitUntil } from '../../../../test/harness';
import { REDIS_URL } from '../../../../test/env';

/**
 * Redis loses its data (restarted without persistence) under a running
 * worker: job schedulers, queued jobs and rule state are gone. Every
 * absence, auto-resolve and aggregate alert still arrives: schedulers are
 * re-established, the sweeper runs on the workers' own timers, and rule state
 * is rebuilt from stored events.
 */
describe('Redis loses its data: the clocks and the state come back (api + worker + Postgres + Redis)', () => {
  const stack = new TestStack();
  const redis = new IORedis(REDIS_URL);
  const business = businessBody({
    entityKeyFields: ['service'],
    fields: [
      { name: 'timestamp', type: 'timestamp', required: true },
      { name: 'service', type: 'string', required: true },
      { name: 'level', type: 'enum', enum: ['INFO', 'WARN', 'ERROR'] },
    ],
  });
  const ids: Record<string, string> = {};
  const send = async (service: string, level: string, n = 1) => {
    const body = Array.from({ length: n }, () => ({ timestamp: new Date().toISOString(), service, level }));
    expect((await stack.request('POST', `/ingest/${business.id}`, { body })).status).toBe(202);
  };
  const alertOf = (rule: string, service: string) =>
    stack.db.pool
      .query<{ status: string; count: number; resolved_by: string | null }>(
        "SELECT status, count, resolved_by FROM alert WHERE rule_id = $1 AND group_key->>'service' = $2",
        [ids[rule], service],
      )
      .then((r) => r.rows[0]);
  const wipeRedis = async () => {
    const keys = await redis.keys(`${stack.prefix}:*`);
    if (keys.length) await redis.del(...keys);
  };

  beforeAll(async () => {
    await stack.start();
    await stack.request('POST', '/businesses', { body: business });
    for (const [key, rule] of Object.entries({
      absence: { name: 'Heartbeat lost', kind: 'absence', window: '4s', groupBy: ['service'], severity: 'high' },
      immediate: {
        name: 'Error line',
        kind: 'immediate',
        condition: "level == 'ERROR'",
        groupBy: ['service'],
        resolveAfter: '2s',
      },
      aggregate: {
        name: 'Warning burst',
        kind: 'aggregate',
        condition: "level == 'WARN'",
        aggregate: { fn: 'count' },
        window: '5m',
        op: '>=',
        threshold: 4,
        groupBy: ['service'],
      },
    })) {
      ids[key] = (await stack.request('POST', `/businesses/${business.id}/rules`, { body: rule })).body.id;
    }
  });
  afterAll(async () => {
    redis.disconnect();
    await stack.stop();
  });

  it('reports not ready until a worker has established the job schedulers', async () => {
    const before = await stack.request('GET', '/health/ready', { token: null });
    expect(before.status).toBe(503);
    expect(before.body).toMatchObject({ status: 'degraded', postgres: 'up', redis: 'up', schedulers: 'missing' });
    await stack.startWorker({ tickEveryMs: 500, autoResolveEveryMs: 500, sweepEveryMs: 500, schedulerCheckMs: 300 });
    const after = await stack.request('GET', '/health/ready', { token: null });
    expect(after.status).toBe(200);
    expect(after.body).toEqual({ status: 'ok', postgres: 'up', redis: 'up', schedulers: 'ok' });
  });

  it(
    'after Redis is wiped, still fires the absence, auto-resolves, completes the aggregate and evaluates a lost ' +
      'batch',
    async () => {
      await send('a', 'INFO');
      await send('b', 'ERROR');
      await send('c', 'WARN', 2);
      await stack.waitForEvaluation();
      expect(await alertOf('immediate', 'b')).toMatchObject({ status: 'open' });

      // Under load: another group keeps sending through the wipe.
      let sending = true;
      const load = (async () => {
        while (sending) {
          await send('load', 'INFO', 20);
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      await new Promise((r) => setTimeout(r, 300));
      await wipeRedis();
      // A batch accepted while its job was lost with Redis (what an outage leaves behind).
      const lost = randomUUID();
      await new EventRepository(stack.db).insertBatch({
        batchId: lost,
        businessId: business.id,
        schemaVersion: 1,
        receivedAt: new Date(),
        requestId: null,
        events: [
          {
            id: randomUUID(),
            eventTime: new Date(),
            entityKey: 'd',
            payload: { timestamp: new Date().toISOString(), service: 'd', level: 'ERROR' },
            clientEventId: null,
          },
        ],
      });

      await waitUntil(
        'the schedulers re-established',
        async () => (await stack.request('GET', '/health/ready', { token: null })).status === 200,
        10_000,
      );
      // The burst straddles the loss: two warnings before, two after.
      await send('c', 'WARN', 2);
      await waitUntil('the aggregate alert', () => alertOf('aggregate', 'c'), 10_000);
      await waitUntil('the lost batch evaluated', () => alertOf('immediate', 'd'), 10_000);
      await waitUntil(
        'the immediate alert auto-resolved',
        async () => (await alertOf('immediate', 'b'))?.status === 'resolved',
        15_000,
      );
      expect(await alertOf('immediate', 'b')).toMatchObject({ resolved_by: 'auto', count: 1 });
      // 'a' (and the others) went silent before the wipe: their silence is still noticed.
      await waitUntil('the absence alert', () => alertOf('absence', 'a'), 15_000);
      expect(await alertOf('absence', 'a')).toMatchObject({ status: 'open', count: 1 });
      sending = false;
      await load;
      await stack.waitForEvaluation();
      // The group that kept sending was never silent.
      expect(await alertOf('absence', 'load')).toBeUndefined();
    },
    60_000,
  );

  it(
    "builds a new absence rule's groups from stored events, so a group silent since before the rule still " + 'alerts',
    async () => {
      await send('legacy', 'INFO');
      await stack.waitForEvaluation();
      const id = (
        await stack.request('POST', `/businesses/${business.id}/rules`, {
          body: { name: 'Legacy heartbeat', kind: 'absence', window: '2s', groupBy: ['service'], severity: 'low' },
        })
      ).body.id;
      ids.legacyAbsence = id;
      await waitUntil(
        "the new rule's absence alert for a group last seen before it existed",
        () => alertOf('legacyAbsence', 'legacy'),
        15_000,
      );
    },
    30_000,
  );
});
