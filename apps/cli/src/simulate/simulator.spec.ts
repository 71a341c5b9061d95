import {
  batchStateKeys,
  compileRule,
  evaluateBatch,
  groupIndexes,
  loadAbsenceTick,
  MemoryStateStore,
  parseRuleDefinition,
  tickAbsenceRules,
  type CompiledRule,
  type EvaluationEvent,
} from '@anom/domain';
import { SEED_BUSINESSES } from '@anom/db';
import {
  HEARTBEAT_GAP_S,
  PATTERN_ALERTS,
  PATTERNS,
  SIMULATED_BUSINESSES,
  Simulator,
  backfill,
  seededRandom,
  type Pattern,
  type SimEvent,
} from './simulator';

// Each injected pattern must raise its seeded rules, and normal traffic none,
// or `npm run up` would show a platform that cries wolf or stays silent.
const rules = new Map<string, CompiledRule[]>(
  SEED_BUSINESSES.map((b) => [
    b.id,
    b.rules.map((body, i) => {
      const parsed = parseRuleDefinition(body, b.fields);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      return compileRule({ id: `${b.id}#${i}`, version: 1, definition: parsed.definition }, b.fields, b.timezone);
    }),
  ]),
);

/**
 * Feeds timed events through every seeded rule (one batch per business per tick); returns the names of the rules that
 * matched.
 */
async function matchedRules(ticks: { at: Date; events: SimEvent[] }[], tickAbsenceAt?: Date): Promise<string[]> {
  const store = new MemoryStateStore();
  const names = new Set<string>();
  let seq = 0;
  let n = 0;
  for (const { at, events } of ticks) {
    for (const businessId of SIMULATED_BUSINESSES) {
      const batch: EvaluationEvent[] = events
        .filter((e) => e.businessId === businessId)
        .map((e) => ({ id: `e${n++}`, eventTime: at, payload: { ...e.event, timestamp: at.toISOString() } }));
      if (batch.length === 0) continue;
      const rs = rules.get(businessId)!;
      const r = evaluateBatch(rs, batch, await store.load(batchStateKeys(rs, batch)), ++seq, {
        groupCounts: await store.counts(groupIndexes(rs)),
      });
      await store.save(r.saves, r.index);
      for (const m of r.matches) names.add(rs.find((x) => x.ruleId === m.ruleId)!.definition.name);
    }
  }
  if (tickAbsenceAt) {
    for (const rs of rules.values()) {
      const r = tickAbsenceRules(rs, await loadAbsenceTick(store, rs, tickAbsenceAt.getTime()), tickAbsenceAt);
      for (const m of r.matches) names.add(rs.find((x) => x.ruleId === m.ruleId)!.definition.name);
    }
  }
  return [...names].sort();
}

const T0 = Date.UTC(2025, 0, 1);
function simulate(sim: Simulator, seconds: number) {
  return Array.from({ length: seconds }, (_, s) => {
    const at = new Date(T0 + s * 1000);
    return { at, ...sim.tick(at) };
  });
}

describe('Simulator', () => {
  it('streams every seeded business for 10 minutes without raising any seeded rule', async () => {
    const ticks = simulate(new Simulator(SIMULATED_BUSINESSES, seededRandom(7), 86_400_000), 600).map((t) => ({
      ...t,
      events: t.injected ? [] : t.events,
    }));
    expect(new Set(ticks.flatMap((t) => t.events.map((e) => e.businessId)))).toEqual(new Set(SIMULATED_BUSINESSES));
    expect(
      await matchedRules(
        ticks.filter((t) => t.at.getTime() < T0 + 19_000),
        new Date(T0 + 19_000),
      ),
    ).toEqual([]);
    // The first pattern is due after 20 s; with a day between patterns the rest is normal traffic.
    expect(await matchedRules(ticks.slice(0, 19).concat(ticks.slice(40)))).toEqual([]);
  });

  it.each(
    (Object.keys(PATTERN_ALERTS) as Pattern[])
      .filter((p) => p !== 'heartbeat-lost')
      .map((p) => [p, PATTERN_ALERTS[p]] as const),
  )('injects %s amid normal traffic, which raises %j', async (pattern, expected) => {
    const sim = new Simulator([PATTERNS[pattern]], seededRandom(3), 86_400_000);
    sim.injectOnly(pattern);
    const ticks = simulate(sim, 60);
    expect(ticks.some((t) => t.injected === pattern)).toBe(true);
    expect(await matchedRules(ticks)).toEqual(expected);
  });

  it('loses a service heartbeat for longer than the absence window', async () => {
    const sim = new Simulator(['service-metrics'], seededRandom(5), 86_400_000);
    sim.injectOnly('heartbeat-lost');
    const ticks = simulate(sim, 20 + HEARTBEAT_GAP_S);
    expect(await matchedRules(ticks, new Date(T0 + (20 + HEARTBEAT_GAP_S) * 1000))).toEqual(
      PATTERN_ALERTS['heartbeat-lost'],
    );
  });

  it('gives service metrics a daily load curve, busiest in the afternoon, inside their normal range', () => {
    const metrics = backfill(['service-metrics'], new Date(Date.UTC(2026, 0, 4)), 3, 7).get('service-metrics')!;
    const byHour = (h: number, field: string) => {
      const xs = metrics
        .filter((e) => new Date(e.timestamp as string).getUTCHours() === h)
        .map((e) => e[field] as number);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(byHour(15, 'cpu_percent') - byHour(3, 'cpu_percent')).toBeGreaterThan(20);
    expect(byHour(15, 'latency_ms') - byHour(3, 'latency_ms')).toBeGreaterThan(100);
    const cpu = metrics.map((e) => e.cpu_percent as number);
    const latency = metrics.map((e) => e.latency_ms as number);
    expect(Math.min(...cpu)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...cpu)).toBeLessThanOrEqual(60);
    expect(Math.min(...latency)).toBeGreaterThanOrEqual(80);
    expect(Math.max(...latency)).toBeLessThanOrEqual(300);
  });

  it('injects the patterns of the chosen businesses in turn', () => {
    const sim = new Simulator(['service-logs'], seededRandom(1), 60_000);
    const injected = simulate(sim, 200).flatMap((t) => (t.injected ? [t.injected] : []));
    // The first after 20 s (so a fresh start shows an alert soon), then every 60 s.
    expect(injected).toEqual(['failed-uploads', 'fatal-error', 'failed-uploads']);
  });
});
