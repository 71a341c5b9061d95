import { compileRule, evaluateImmediate, parseRuleDefinition, type EvaluationEvent } from '@anom/domain';
import { SEED_BUSINESSES } from '@anom/db';
import { PATTERNS, Simulator, seededRandom, type Pattern } from './simulator';

// Each injected pattern must raise its seeded rule, and normal traffic none, or
// `npm run up` would show a platform that cries wolf or stays silent.
const rules = SEED_BUSINESSES.flatMap((b) =>
  b.rules.map((body, i) => {
    const parsed = parseRuleDefinition(body, b.fields);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    return { businessId: b.id, rule: compileRule({ id: `${b.id}#${i}`, version: 1, definition: parsed.definition }, b.fields) };
  }),
);

function matchedRules(events: { businessId: string; event: Record<string, unknown> }[]): string[] {
  const names = new Set<string>();
  events.forEach((e, i) => {
    const ev: EvaluationEvent = { id: String(i), eventTime: new Date(), payload: e.event };
    for (const r of rules.filter((x) => x.businessId === e.businessId)) {
      if (evaluateImmediate([r.rule], [ev]).matches.length > 0) names.add(r.rule.definition.name);
    }
  });
  return [...names].sort();
}

describe('Simulator', () => {
  it('streams every seeded business without matching any seeded rule in normal traffic', () => {
    const sim = new Simulator(['health-vitals', 'service-logs', 'service-metrics', 'payment-transactions'], seededRandom(7), 3_600_000);
    const events = [];
    // 15 s of normal traffic: the first anomaly is due after 20 s.
    for (let s = 0; s < 15; s++) events.push(...sim.tick(new Date(Date.UTC(2025, 0, 1, 0, 0, s))).events);
    expect(new Set(events.map((e) => e.businessId))).toEqual(new Set(['health-vitals', 'service-logs', 'service-metrics', 'payment-transactions']));
    expect(matchedRules(events)).toEqual([]);
  });

  it.each([
    ['tachycardia', ['Tachycardia at rest']],
    ['hypoxia', ['Hypoxia']],
    ['fever', ['Fever']],
    ['failed-uploads', ['Failure logged']],
    ['fatal-error', ['Fatal error']],
    ['slow-and-hot', ['CPU and latency both high', 'Slow responses']],
    ['large-transaction', ['Large transaction']],
  ] as [Pattern, string[]][])('injects %s, which raises %j', (pattern, expected) => {
    const sim = new Simulator([PATTERNS[pattern]], seededRandom(3));
    const events = sim.scriptFor(pattern).flat();
    expect(matchedRules(events)).toEqual(expected);
  });

  it('injects the patterns of the chosen businesses in turn', () => {
    const sim = new Simulator(['service-logs'], seededRandom(1), 60_000);
    const injected: string[] = [];
    for (let s = 0; s < 200; s++) {
      const r = sim.tick(new Date(Date.UTC(2025, 0, 1, 0, 0, s)));
      if (r.injected) injected.push(r.injected);
    }
    // The first after 20 s (so a fresh start shows an alert soon), then every 60 s.
    expect(injected).toEqual(['failed-uploads', 'fatal-error', 'failed-uploads']);
  });
});
