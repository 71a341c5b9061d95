import { defaultForgetAfterMs, parseRuleDefinition } from './rule-definition';
import type { FieldDefinition } from '../schema/business-schema';

const fields: FieldDefinition[] = [
  { name: 'user_id', type: 'string' },
  { name: 'heart_rate', type: 'number' },
  { name: 'activity_level', type: 'number' },
  { name: 'meta', type: 'object' },
];
const valid = {
  name: 'Tachycardia at rest',
  kind: 'immediate',
  condition: 'heart_rate > 100 && activity_level < 10',
  groupBy: ['user_id'],
  severity: 'high',
  escalations: [{ when: 'heart_rate > 130', severity: 'critical' }],
};

describe('defaultForgetAfterMs', () => {
  const H = 3_600_000;
  it.each([
    ['an aggregate: ten windows', { kind: 'aggregate', window: '30m' }, 5 * H],
    ['a short aggregate: at least an hour', { kind: 'aggregate', window: '1m' }, H],
    ['a daily aggregate: two days', { kind: 'aggregate', period: 'day' }, 48 * H],
    ['a monthly aggregate: capped at the state TTL', { kind: 'aggregate', period: 'month' }, 30 * 24 * H],
    ['a sequence within 10m', { kind: 'sequence', within: '10m' }, 100 * 60_000],
    ['a sequence without a span', { kind: 'sequence' }, 30 * 24 * H],
    ['an absence rule: at least a week', { kind: 'absence', window: '20m' }, 7 * 24 * H],
    ['a long absence window: ten windows', { kind: 'absence', window: '1d' }, 10 * 24 * H],
    ['a baseline: its history lasts', { kind: 'baseline' }, 30 * 24 * H],
    ["the rule's own", { kind: 'baseline', forgetAfter: '3h' }, 3 * H],
  ] as const)('%s', (_what, d, ms) => {
    expect(defaultForgetAfterMs(d as Parameters<typeof defaultForgetAfterMs>[0])).toBe(ms);
  });
});

describe('parseRuleDefinition', () => {
  it.each([
    ['sequence', { kind: 'sequence', minCount: 5, within: '5m' }, { minCount: 5, within: '5m' }],
    [
      'absence without condition',
      { kind: 'absence', condition: undefined, window: '20m', expectedGroups: ['u-1'] },
      { condition: null, window: '20m', expectedGroups: ['u-1'] },
    ],
    [
      'aggregate over a window',
      {
        kind: 'aggregate',
        condition: undefined,
        aggregate: { fn: 'avg', field: 'heart_rate' },
        window: '5m',
        op: '>=',
        threshold: 80,
      },
      {
        condition: null,
        aggregate: { fn: 'avg', field: 'heart_rate' },
        window: '5m',
        period: null,
        op: '>=',
        threshold: 80,
      },
    ],
    [
      'baseline with defaults',
      { kind: 'baseline', condition: undefined, field: 'heart_rate' },
      {
        condition: null,
        field: 'heart_rate',
        // The settings `npm run bench:nab` chose (BASELINE_DEFAULTS).
        sensitivity: 5.5,
        direction: 'both',
        seasonality: 'auto',
        historySize: 1000,
        minHistory: 30,
        newExtremesOnly: true,
        meanWindow: 12,
        volatilityWindow: 24,
        contextWindow: 48,
        quietPeriod: 75,
      },
    ],
    [
      'seasonal baseline',
      {
        kind: 'baseline',
        field: 'heart_rate',
        sensitivity: 5,
        direction: 'above',
        seasonality: 'hour_of_day',
        historySize: 200,
        minHistory: 10,
      },
      { sensitivity: 5, direction: 'above', seasonality: 'hour_of_day', historySize: 200, minHistory: 10 },
    ],
    [
      'baseline with a learnt daily profile',
      { kind: 'baseline', field: 'heart_rate', seasonality: 'auto' },
      { seasonality: 'auto' },
    ],
    [
      'baseline judging 12-value means too',
      { kind: 'baseline', field: 'heart_rate', meanWindow: 12, volatilityWindow: null, contextWindow: null },
      { meanWindow: 12, volatilityWindow: null, contextWindow: null },
    ],
    [
      'aggregate over a calendar day',
      { kind: 'aggregate', aggregate: { fn: 'count' }, period: 'day', op: '>', threshold: 5 },
      { aggregate: { fn: 'count' }, window: null, period: 'day' },
    ],
    [
      'sequence with its own group limit and idle expiry',
      { kind: 'sequence', minCount: 5, maxGroups: 500, forgetAfter: '2h' },
      { maxGroups: 500, forgetAfter: '2h' },
    ],
    [
      'absence with no expected groups (null, as an edit sends it)',
      { kind: 'absence', condition: undefined, window: '20m', expectedGroups: null, minCount: null },
      { window: '20m' },
    ],
  ])('accepts a %s rule', (_what, patch, expected) => {
    const r = parseRuleDefinition({ ...valid, ...patch }, fields);
    expect(r.ok && r.definition).toMatchObject(expected);
  });

  it('normalises a valid rule with defaults', () => {
    const r = parseRuleDefinition(valid, fields);
    expect(r).toEqual({
      ok: true,
      definition: { ...valid, cooldown: null, resolveAfter: null, enabled: true, allowedLateness: '1m' },
    });
  });

  it('defaults severity to medium and groupBy to none', () => {
    const r = parseRuleDefinition({ name: 'x', kind: 'immediate', condition: 'heart_rate > 1' }, fields);
    expect(r.ok && r.definition.severity).toBe('medium');
    expect(r.ok && r.definition.groupBy).toEqual([]);
  });

  it.each([
    [{ name: '' }, '/name'],
    [{ kind: 'magic' }, '/kind'],
    [{ kind: 'baseline' }, '/field'],
    [{ kind: 'baseline', field: 'pulse' }, '/field'],
    [{ kind: 'baseline', field: 'user_id' }, '/field'],
    [{ kind: 'baseline', field: 'heart_rate', sensitivity: 0 }, '/sensitivity'],
    [{ kind: 'baseline', field: 'heart_rate', direction: 'up' }, '/direction'],
    [{ kind: 'baseline', field: 'heart_rate', seasonality: 'hourly' }, '/seasonality'],
    [{ kind: 'baseline', field: 'heart_rate', historySize: 10 }, '/historySize'],
    [{ kind: 'baseline', field: 'heart_rate', historySize: 100, minHistory: 200 }, '/minHistory'],
    [{ kind: 'baseline', field: 'heart_rate', meanWindow: 1 }, '/meanWindow'],
    [{ kind: 'baseline', field: 'heart_rate', contextWindow: 'long' }, '/contextWindow'],
    [{ kind: 'baseline', field: 'heart_rate', quietPeriod: -1 }, '/quietPeriod'],
    [{ kind: 'baseline', field: 'heart_rate', quietPeriod: 2.5 }, '/quietPeriod'],
    [{ kind: 'baseline', field: 'heart_rate', volatilityWindow: 'lots' }, '/volatilityWindow'],
    [{ kind: 'baseline', field: 'heart_rate', historySize: 40, meanWindow: 21 }, '/meanWindow'],
    [{ kind: 'baseline', field: 'heart_rate', window: '5m' }, '/window'],
    [{ field: 'heart_rate' }, '/field'],
    [{ severity: 'urgent' }, '/severity'],
    [{ condition: 'hart_rate > 1' }, '/condition'],
    [{ groupBy: ['user'] }, '/groupBy/0'],
    [{ groupBy: ['meta'] }, '/groupBy/0'],
    [{ groupBy: 'user_id' }, '/groupBy'],
    [{ escalations: [{ when: 'heart_rate > 130', severity: 'extreme' }] }, '/escalations/0/severity'],
    [{ escalations: [{ when: 'pulse > 130', severity: 'critical' }] }, '/escalations/0/when'],
    [{ cooldown: '10 minutes' }, '/cooldown'],
    [{ resolveAfter: 5 }, '/resolveAfter'],
    [{ enabled: 'yes' }, '/enabled'],
    [{ minCount: 5 }, '/minCount'],
    [{ kind: 'sequence', minCount: 1 }, '/minCount'],
    [{ kind: 'sequence', minCount: 5, within: 'soon' }, '/within'],
    [{ kind: 'absence', condition: undefined }, '/window'],
    [{ maxGroups: 10 }, '/maxGroups'],
    [{ kind: 'sequence', minCount: 5, maxGroups: 0 }, '/maxGroups'],
    [{ kind: 'sequence', minCount: 5, maxGroups: 2.5 }, '/maxGroups'],
    [{ kind: 'sequence', minCount: 5, maxGroups: 10_000_000 }, '/maxGroups'],
    [{ kind: 'sequence', minCount: 5, forgetAfter: 'never' }, '/forgetAfter'],
    [{ kind: 'sequence', minCount: 5, forgetAfter: '10s' }, '/forgetAfter'],
    [{ kind: 'sequence', minCount: 5, forgetAfter: '90d' }, '/forgetAfter'],
    [{ forgetAfter: '1d' }, '/forgetAfter'],
    [{ kind: 'absence', condition: undefined, window: null }, '/window'],
    [{ kind: 'aggregate', aggregate: { fn: 'count' }, window: null, period: null, op: '>', threshold: 1 }, '/window'],
    [{ kind: 'absence', window: '20m', expectedGroups: ['a'], groupBy: [] }, '/expectedGroups'],
    [{ kind: 'aggregate', aggregate: { fn: 'median' }, window: '3m', op: '>', threshold: 1 }, '/aggregate/fn'],
    [{ kind: 'aggregate', aggregate: { fn: 'avg' }, window: '3m', op: '>', threshold: 1 }, '/aggregate/field'],
    [
      { kind: 'aggregate', aggregate: { fn: 'sum', field: 'user_id' }, window: '3m', op: '>', threshold: 1 },
      '/aggregate/field',
    ],
    [{ kind: 'aggregate', aggregate: { fn: 'count' }, op: '>', threshold: 1 }, '/window'],
    [{ kind: 'aggregate', aggregate: { fn: 'count' }, window: '3m', period: 'day', op: '>', threshold: 1 }, '/period'],
    [{ kind: 'aggregate', aggregate: { fn: 'count' }, period: 'year', op: '>', threshold: 1 }, '/period'],
    [{ kind: 'aggregate', aggregate: { fn: 'count' }, window: '3m', op: '=>', threshold: 1 }, '/op'],
    [{ kind: 'aggregate', aggregate: { fn: 'count' }, window: '3m', op: '>', threshold: '20' }, '/threshold'],
  ])('rejects %j at %s', (patch, pointer) => {
    const r = parseRuleDefinition({ ...valid, ...patch }, fields);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.pointer)).toContain(pointer);
  });
});
