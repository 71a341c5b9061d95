import { parseRuleDefinition } from '../rules/rule-definition';
import { compileRule } from '../rules/compile-rule';
import type { EvaluationEvent } from '../rules/evaluate-immediate';
import type { FieldDefinition } from '../schema/business-schema';
import { backtest } from './backtest';

const fields: FieldDefinition[] = [
  { name: 'user_id', type: 'string' },
  { name: 'heart_rate', type: 'number' },
];
const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);

function rule(body: Record<string, unknown>) {
  const r = parseRuleDefinition({ name: 'r', groupBy: ['user_id'], ...body }, fields);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return compileRule({ id: 'r', version: 1, definition: r.definition }, fields);
}
let n = 0;
const ev = (t: number, hr: number, user = 'a'): EvaluationEvent => ({
  id: `e${n++}`,
  eventTime: new Date(t),
  payload: { user_id: user, heart_rate: hr },
});

describe('backtest', () => {
  it('dedups by fingerprint while open and auto-resolves after resolveAfter on event time', () => {
    const events = [
      ev(T0, 120),
      ev(T0 + MIN, 125),
      ev(T0 + 30 * MIN, 130),
      ev(T0 + DAY, 140),
      ev(T0 + DAY + MIN, 70, 'b'),
    ];
    const r = backtest(rule({ kind: 'immediate', condition: 'heart_rate > 100', resolveAfter: '10m' }), events);
    expect(
      r.alerts.map((a) => [a.count, a.startTime.getTime() - T0, a.resolvedAt && a.resolvedAt.getTime() - T0]),
    ).toEqual([
      [2, 0, 11 * MIN],
      [1, 30 * MIN, 40 * MIN],
      // Still open: the range ends a minute after it.
      [1, DAY, null],
    ]);
    expect(r.perDay).toEqual([
      { day: '2025-01-01', alerts: 2 },
      { day: '2025-01-02', alerts: 1 },
    ]);
    expect(r).toMatchObject({ events: 5, matches: 4, resolved: 2, open: 1 });
  });

  it('keeps a fingerprint quiet for the cooldown after a resolve', () => {
    const events = [ev(T0, 120), ev(T0 + 20 * MIN, 125), ev(T0 + 2 * 60 * MIN, 130)];
    const r = backtest(
      rule({ kind: 'immediate', condition: 'heart_rate > 100', resolveAfter: '5m', cooldown: '1h' }),
      events,
    );
    expect(r.alerts.map((a) => a.startTime.getTime() - T0)).toEqual([0, 2 * 60 * MIN]);
  });

  it('replays sequence runs with the same engine as the worker', () => {
    const events = [0, 1, 2, 3, 4, 5, 6].map((m) => ev(T0 + m * MIN, m === 3 ? 80 : 120));
    // Two runs of 3 with a break: two episodes; with resolveAfter 1m the first resolves before the second fires.
    const r = backtest(
      rule({ kind: 'sequence', condition: 'heart_rate > 100', minCount: 3, resolveAfter: '1m' }),
      events,
    );
    expect(r.alerts).toEqual([
      expect.objectContaining({ count: 3, startTime: new Date(T0), resolvedAt: new Date(T0 + 4 * MIN) }),
      expect.objectContaining({ count: 3, startTime: new Date(T0 + 4 * MIN), resolvedAt: null }),
    ]);
    // Without resolveAfter the alert stays open and the second episode counts into it.
    expect(backtest(rule({ kind: 'sequence', condition: 'heart_rate > 100', minCount: 3 }), events).alerts).toEqual([
      expect.objectContaining({ count: 6 }),
    ]);
  });

  it('ticks absence rules on event time up to the end of the range', () => {
    const events = [ev(T0, 70), ev(T0 + 5 * MIN, 70), ev(T0 + 40 * MIN, 70)];
    const r = backtest(rule({ kind: 'absence', window: '20m', resolveAfter: '1m' }), events, new Date(T0 + 90 * MIN));
    expect(r.alerts.map((a) => a.startTime.getTime() - T0)).toEqual([25 * MIN, 60 * MIN]);
  });
});
