import IORedis from 'ioredis';
import { INGEST_BEAT_MS, IngestAvailability } from '@anom/queue';
import { TestStack, businessBody } from '../../../../test/harness';
import { REDIS_URL } from '../../../../test/env';
import { EvaluateService } from './evaluate.service';

const MIN = 60_000;

// The api's ingest heartbeat (on, as in production) and the worker's absence
// tick: an outage of the api is not the sources' silence.
describe('absence rules across an api outage (api + worker + Postgres + Redis)', () => {
  const stack = new TestStack({ ingestHeartbeat: true });
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1 });
  beforeAll(() => stack.start({ worker: true }));
  afterAll(async () => {
    redis.disconnect();
    await stack.stop();
  });

  it(
    'records the api start as ingest resuming, judges silence only while ingest was up, and counts it from the ' +
      'resume',
    async () => {
      const started = Date.now();
      const availability = new IngestAvailability(redis, stack.prefix);
      const uptime = await availability.read();
      // The api beat before it listened: the start of a platform that was not up is a resume.
      expect(uptime.resumedAt).toBe(uptime.lastBeat);
      expect(started - uptime.resumedAt!).toBeLessThan(60_000);

      const b = businessBody({ fields: [...businessBody().fields, { name: 'service', type: 'string' }] });
      await stack.request('POST', '/businesses', { body: b });
      await stack.request('POST', `/businesses/${b.id}/rules`, {
        body: { name: 'No heartbeat', kind: 'absence', window: '2m', groupBy: ['service'], severity: 'high' },
      });
      const now = Date.now();
      await stack.request('POST', `/ingest/${b.id}`, {
        body: { timestamp: new Date(now).toISOString(), user_id: 'x', service: 'api' },
      });
      await stack.waitForEvaluation();
      const evaluate = stack.worker!.get(EvaluateService);
      const alerts = async () => (await stack.request('GET', `/alerts?businessId=${b.id}`)).body.items;

      // 5 minutes on with no api beat since: ingest is down, and nothing after its last beat counts as silence.
      expect(await evaluate.tick(b.id, new Date(now + 5 * MIN))).toEqual([]);

      // The api is back at minute 10: api's silence counts from then, not from its last event.
      const resumed = now + 10 * MIN;
      expect(await availability.beat(resumed)).toBe(resumed);
      expect(await evaluate.tick(b.id, new Date(resumed + 30_000))).toEqual([]);
      // Ingest stays up (beats every 10 s) for the 2-minute window: then it fires, saying so.
      for (let t = resumed + INGEST_BEAT_MS; t <= resumed + 2 * MIN; t += INGEST_BEAT_MS) await availability.beat(t);
      expect(await evaluate.tick(b.id, new Date(resumed + 2 * MIN - 10_000))).toEqual([]);
      expect(await evaluate.tick(b.id, new Date(resumed + 2 * MIN))).toHaveLength(1);
      const [alert] = await alerts();
      expect(alert.summary).toBe('No heartbeat: no event for 12m (service=api)');
      const detail = (await stack.request('GET', `/alerts/${alert.id}`)).body;
      expect(JSON.stringify(detail.evidence)).toContain(`"ingest_resumed":"${new Date(resumed).toISOString()}"`);
    },
  );
});
