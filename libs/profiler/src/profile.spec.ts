import { parseRuleDefinition, type FieldDefinition } from '@anom/domain';
import { profileEvents, type ProfiledEvent } from './profile';
import { niceDuration, roundAway, suggestRules } from './suggest';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2025, 0, 6); // a Monday

/** Deterministic uniform(0,1) and standard normal (Box–Muller). */
function rng(seed: number) {
  let x = seed;
  const u = () => ((x = (x * 1103515245 + 12345) & 0x7fffffff) + 1) / 0x80000001;
  return { u, normal: () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()) };
}

const fields: FieldDefinition[] = [
  { name: 'timestamp', type: 'timestamp', required: true },
  { name: 'route', type: 'string', required: true },
  { name: 'level', type: 'enum', enum: ['INFO', 'WARN', 'ERROR', 'FATAL'] },
  { name: 'latency_ms', type: 'number' },
  { name: 'load', type: 'number' },
  { name: 'orders', type: 'number' },
];

/**
 * 14 days: two routes filing every 15 and 60 minutes (± 1 min), latency ~ N(200, 20), load following the hour of day,
 * orders the day of the week (fewer at weekends).
 */
function history(): ProfiledEvent[] {
  const r = rng(11);
  const w = rng(23); // orders' own noise, so the other fields' draws stay as they were
  const events: ProfiledEvent[] = [];
  for (const [route, every] of [
    ['SFTP-BANK-A', 15 * MIN],
    ['SFTP-BANK-B', HOUR],
  ] as const) {
    for (let t = T0; t < T0 + 14 * DAY; t += every) {
      const at = t + Math.round((r.u() - 0.5) * 2 * MIN);
      const hour = new Date(at).getUTCHours();
      const level = r.u() < 0.002 ? 'FATAL' : r.u() < 0.1 ? 'WARN' : 'INFO';
      const weekend = [0, 6].includes(new Date(at).getUTCDay());
      events.push({
        eventTime: new Date(at),
        payload: {
          route,
          level,
          latency_ms: 200 + 20 * r.normal(),
          load: 50 + 40 * Math.sin((hour / 24) * 2 * Math.PI) + 3 * r.normal(),
          orders: (weekend ? 40 : 100) + 10 * w.normal(),
        },
      });
    }
  }
  return events;
}

describe('profileEvents', () => {
  const profile = profileEvents({ fields, entityKeyFields: ['route'], timezone: 'UTC', events: history() });
  const field = (name: string) => profile.fields.find((f) => f.name === name)!;

  it('recovers the quantiles and robust spread of a normal distribution', () => {
    const n = field('latency_ms').numeric!;
    expect(n.median).toBeCloseTo(200, 0);
    // For N(μ, σ): MAD = 0.6745 σ, p99 = μ + 2.326 σ.
    expect(n.mad).toBeGreaterThan(0.6745 * 20 * 0.9);
    expect(n.mad).toBeLessThan(0.6745 * 20 * 1.1);
    expect(n.quantiles.p99).toBeGreaterThan(200 + 2.326 * 20 * 0.9);
    expect(n.quantiles.p99).toBeLessThan(200 + 2.326 * 20 * 1.1);
  });

  it('measures how much of a field the hour of day explains', () => {
    expect(field('load').numeric!.hourOfDayStrength).toBeGreaterThan(0.9);
    expect(field('latency_ms').numeric!.hourOfDayStrength).toBeLessThan(0.1);
    expect(field('orders').numeric!.hourOfDayStrength).toBeLessThan(0.1);
  });

  it('measures how much of a field the day of the week explains, once every weekday was seen on two dates', () => {
    // Weekdays 100, weekends 40, noise σ 10: the weekday explains 1 − 100 / (100 + (60² · 5/7 · 2/7)) ≈ 0.88.
    const orders = field('orders').numeric!;
    expect(orders.dayOfWeekStrength).toBeGreaterThan(0.8);
    expect(orders.weekdayMedians.map((m) => Math.round(m! / 10) * 10)).toEqual([100, 100, 100, 100, 100, 40, 40]);
    expect(field('load').numeric!.dayOfWeekStrength).toBeLessThan(0.05);
    const tenDays = profileEvents({
      fields,
      entityKeyFields: ['route'],
      timezone: 'UTC',
      events: history().filter((e) => e.eventTime.getTime() < T0 + 10 * DAY),
    });
    expect(tenDays.fields.find((f) => f.name === 'orders')!.numeric!.dayOfWeekStrength).toBeNull();
  });

  it("learns each group's inter-arrival times", () => {
    const [a, b] = profile.arrivals;
    expect(a).toMatchObject({ group: 'SFTP-BANK-A', groupKey: { route: 'SFTP-BANK-A' } });
    expect(a.median / MIN).toBeCloseTo(15, 0);
    expect(a.p95 / MIN).toBeLessThan(17);
    expect(b.median / MIN).toBeCloseTo(60, 0);
  });

  it('counts category frequencies, leaving entity keys out', () => {
    expect(field('level').categories!.top.map((c) => c.value)).toEqual(['INFO', 'WARN', 'FATAL']);
    expect(field('route').categories).toBeUndefined();
  });
});

describe('suggestRules', () => {
  const profile = profileEvents({ fields, entityKeyFields: ['route'], timezone: 'UTC', events: history() });
  const suggestions = suggestRules(profile, { entityKeyFields: ['route'] });
  const of = (kind: string) => suggestions.filter((s) => s.kind === kind);

  it('proposes no threshold that a valid value could barely cross: the field declares its bounds', () => {
    const high = (s: { rule: Record<string, unknown> }) => s.rule.name === 'load unusually high';
    expect(suggestions.filter(high)).toHaveLength(1);
    const p999 = profile.fields.find((f) => f.name === 'load')!.numeric!.quantiles.p999;
    // Declared 0 to just above the data's p99.9: "above p99.9" would fire on values the field allows, barely past.
    const bounded = suggestRules(profile, {
      entityKeyFields: ['route'],
      fields: [{ name: 'load', min: 0, max: Math.ceil(p999) + 1 }],
    });
    expect(bounded.filter(high)).toEqual([]);
    // A roomy bound leaves the suggestion.
    const roomy = suggestRules(profile, { entityKeyFields: ['route'], fields: [{ name: 'load', min: 0, max: 1000 }] });
    expect(roomy.filter(high)).toHaveLength(1);
  });

  it('proposes an absence rule per arrival period, with a rationale a person can check', () => {
    const absence = of('absence');
    expect(absence.map((s) => s.rule)).toEqual([
      expect.objectContaining({ kind: 'absence', window: '20m', groupBy: ['route'], expectedGroups: ['SFTP-BANK-A'] }),
      expect.objectContaining({ kind: 'absence', window: '2h', groupBy: ['route'], expectedGroups: ['SFTP-BANK-B'] }),
    ]);
    expect(absence[0].rationale).toMatch(
      new RegExp(
        [
          String.raw`^Typical arrival for SFTP-BANK-A is every 15(\.\d)? min \(p95 1[56](\.\d)? min over 14 days\)\. `,
          String.raw`Alert if nothing arrives for 20m\.$`,
        ].join(''),
      ),
    );
  });

  it('proposes a threshold beyond the 99.9th percentile, a seasonal baseline, a rare value, an event burst', () => {
    const latency = of('threshold').find((s) => s.key === 'threshold:latency_ms:>')!;
    const p999 = profile.fields.find((f) => f.name === 'latency_ms')!.numeric!.quantiles.p999;
    expect(latency.rule.condition).toBe(`latency_ms > ${roundAway(p999, 'up')}`);
    const [load, orders, ...others] = of('baseline').map((s) => s.rule);
    expect(others).toEqual([]);
    // The hourly shape: the baseline defaults (the benchmarked settings; seasonality auto learns the daily shape).
    expect(load).toMatchObject({ field: 'load', name: 'load off its usual daily pattern' });
    expect(load).not.toHaveProperty('seasonality');
    expect(load).not.toHaveProperty('sensitivity');
    expect(orders).toMatchObject({ field: 'orders', seasonality: 'day_of_week' });
    expect(orders).not.toHaveProperty('sensitivity');
    expect(of('baseline')[1].rationale).toMatch(
      new RegExp(
        [
          String.raw`^The day of week explains 8\d% of orders's variance over 14 days `,
          String.raw`\(median \d+(\.\d)? on (Saturday|Sunday), \d+(\.\d)? on (Mon|Tues|Wednes|Thurs|Fri)day\)\. `,
          String.raw`Alert when it leaves its usual band for the weekday, with the baseline settings benchmarked `,
          String.raw`on the Numenta Anomaly Benchmark\.$`,
        ].join(''),
      ),
    );
    expect(of('rare_category').map((s) => s.rule.condition)).toEqual(['level == "FATAL"']);
    expect(of('aggregate_spike')).toHaveLength(1);
  });

  it('proposes only rules the api accepts', () => {
    for (const s of suggestions) {
      const parsed = parseRuleDefinition(s.rule, fields);
      expect([s.key, parsed.ok]).toEqual([s.key, true]);
    }
  });

  it('does not propose what an existing rule already does', () => {
    const again = suggestRules(profile, {
      entityKeyFields: ['route'],
      existing: [
        { kind: 'absence', condition: null, window: '20m' },
        { kind: 'baseline', condition: null, field: 'load' },
      ],
    });
    expect(again.map((s) => s.key)).not.toContain('baseline:load');
    expect(again.filter((s) => s.kind === 'absence').map((s) => s.rule.window)).toEqual(['2h']);
  });

  it('needs enough history before it trusts a statistic', () => {
    const short = profileEvents({
      fields,
      entityKeyFields: ['route'],
      timezone: 'UTC',
      events: history().slice(0, 50),
    });
    expect(suggestRules(short, { entityKeyFields: ['route'] }).filter((s) => s.kind !== 'absence')).toEqual([]);
  });
});

describe('rounding', () => {
  it.each([
    [131.24, 'up', 132],
    [131.24, 'down', 131],
    [0.01234, 'up', 0.0124],
    [-5.551, 'down', -5.56],
  ] as const)('rounds %d %s to %d', (x, dir, expected) => {
    expect(roundAway(x, dir)).toBe(expected);
  });

  it('picks readable durations', () => {
    expect(niceDuration(16.2 * MIN * 1.2)).toBe(20 * MIN);
    expect(niceDuration(14 * MIN)).toBe(15 * MIN);
  });
});
