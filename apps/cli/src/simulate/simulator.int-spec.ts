import { seed } from '@anom/db';
import { TestStack } from '../../../../test/harness';
import { EvaluateService } from '../../../worker/src/rule-engine/evaluate.service';
import {
  HEARTBEAT_GAP_S,
  PATTERN_ALERTS,
  PATTERNS,
  SIMULATED_BUSINESSES,
  Simulator,
  seededRandom,
  type Pattern,
} from './simulator';

// Each pattern `npm run up`'s simulator injects, through the real pipeline
// (HTTP ingest, queue, worker, Postgres, Redis) into freshly seeded
// businesses, raises exactly its seeded alerts amid normal traffic.
// An hour ago: an absence rule takes no group from events already older than its forgetAfter on arrival.
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;

async function run(pattern: Pattern, seconds: number, tickAt?: Date): Promise<string[]> {
  const stack = new TestStack();
  await stack.start({ worker: true });
  try {
    await seed(stack.db);
    const sim = new Simulator([PATTERNS[pattern]], seededRandom(3), 86_400_000).injectOnly(pattern);
    for (let s = 0; s < seconds; s++) {
      const at = new Date(T0 + s * 1000);
      const { events } = sim.tick(at);
      for (const businessId of SIMULATED_BUSINESSES) {
        const body = events
          .filter((e) => e.businessId === businessId)
          .map((e) => ({ ...e.event, timestamp: at.toISOString() }));
        if (body.length === 0) continue;
        const res = await stack.request('POST', `/ingest/${businessId}`, { body });
        expect(res.status).toBe(202);
      }
    }
    await stack.waitForEvaluation(60_000);
    if (tickAt)
      for (const businessId of SIMULATED_BUSINESSES) await stack.worker!.get(EvaluateService).tick(businessId, tickAt);
    const r = await stack.db.pool.query<{ name: string; n: number }>(
      'SELECT r.name, count(*)::int AS n FROM alert a JOIN rule r ON r.id = a.rule_id GROUP BY r.name ORDER BY r.name',
    );
    // Exactly one alert per expected rule: no duplicates either.
    expect(r.rows.every((x) => x.n === 1)).toBe(true);
    return r.rows.map((x) => x.name);
  } finally {
    await stack.stop();
  }
}

describe('simulator patterns through the pipeline', () => {
  it.each(
    (Object.keys(PATTERN_ALERTS) as Pattern[])
      .filter((p) => p !== 'heartbeat-lost')
      .map((p) => [p, PATTERN_ALERTS[p]] as const),
  )('%s raises exactly %j', async (pattern, expected) => {
    expect(await run(pattern, 60)).toEqual(expected);
  });

  it('heartbeat-lost raises the absence alert on tick', async () => {
    expect(await run('heartbeat-lost', 20 + HEARTBEAT_GAP_S, new Date(T0 + (20 + HEARTBEAT_GAP_S) * 1000))).toEqual(
      PATTERN_ALERTS['heartbeat-lost'],
    );
  });
});
