import type { AddressInfo } from 'node:net';
import { seed } from '@anom/db';
import { ADMIN_TOKEN, TestStack } from '../../../../test/harness';
import { AnomClient } from '../api-client';
import { SIMULATED_BUSINESSES, backfill } from './simulator';

// A fresh install: seeded businesses, the backfilled history `npm run up` posts, a profiling run
// each. Every seeded business must then show pending suggestions, each with its rationale and backtest.
describe('first start: seeded history gives every seeded business suggestions', () => {
  const stack = new TestStack();
  beforeAll(async () => {
    await stack.start({ worker: true });
    await seed(stack.db);
    await stack.api.listen(0, '127.0.0.1');
  });
  afterAll(() => stack.stop());

  it('backfills through the api and the profiler proposes rules for each business', async () => {
    const server = stack.api.getHttpServer();
    const client = new AnomClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, ADMIN_TOKEN);
    const end = new Date();
    // Four days, as `npm run up`: hour-of-day seasonality is judged on three days or more.
    const history = backfill([...SIMULATED_BUSINESSES], end, 4, 120, 7);
    const runs: Record<string, string> = {};
    for (const [id, events] of history) {
      for (let i = 0; i < events.length; i += 1_000) await client.ingest(id, events.slice(i, i + 1_000));
      runs[id] = (await client.profile(id)).id;
    }
    // Normal traffic raises nothing, and a second backfill stores nothing twice.
    await stack.waitForEvaluation(60_000);
    expect(await stack.count('alert')).toBe(0);
    const again = await client.ingest('service-logs', history.get('service-logs')!.slice(0, 100));
    expect(again).toMatchObject({ duplicates: 100, batchId: null });
    expect(await client.hasEventsBefore('service-logs', new Date(end.getTime() - 86_400_000))).toBe(true);

    for (const id of SIMULATED_BUSINESSES) {
      const deadline = Date.now() + 60_000;
      let run: { status: string } = { status: 'queued' };
      while (run.status !== 'done' && Date.now() < deadline) {
        run = (await stack.request('GET', `/businesses/${id}/profile/${runs[id]}`)).body;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect([id, run.status]).toEqual([id, 'done']);
      const pending = (await stack.request('GET', `/businesses/${id}/suggestions?status=pending`)).body.items;
      expect([id, pending.length > 0]).toEqual([id, true]);
      for (const s of pending)
        expect(s).toMatchObject({
          rationale: expect.stringMatching(/\.$/),
          backtest: { alertsPerDay: expect.any(Number) },
        });
      // Service metrics follow a daily load curve: a seasonal baseline is among the suggestions.
      if (id === 'service-metrics')
        expect(
          pending
            .filter((s: { kind: string }) => s.kind === 'baseline')
            .map((s: { rule: { field: string } }) => s.rule.field)
            .sort(),
        ).toEqual(['cpu_percent', 'latency_ms']);
    }
  });
});
