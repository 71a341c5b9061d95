import { describe, expect, it } from 'vitest';
import { emptyDraft, toRuleBody, type RuleDraft } from './rule-form';

const draft = (patch: Partial<RuleDraft>): RuleDraft => ({ ...emptyDraft(), name: 'r', ...patch });

describe('toRuleBody', () => {
  it.each([
    [
      'immediate',
      { kind: 'immediate', condition: 'heart_rate > 100' },
      { kind: 'immediate', condition: 'heart_rate > 100' },
    ],
    [
      'sequence',
      { kind: 'sequence', condition: 'spo2 < 94', minCount: '3', within: '5m' },
      { minCount: 3, within: '5m', condition: 'spo2 < 94' },
    ],
    [
      'absence without condition',
      { kind: 'absence', window: '20m', expectedGroups: 'A, B,' },
      { window: '20m', condition: null, expectedGroups: ['A', 'B'] },
    ],
    [
      'aggregate over a window',
      { kind: 'aggregate', condition: "level == 'ERROR'", window: '3m', op: '>=', threshold: '20' },
      { aggregate: { fn: 'count' }, window: '3m', op: '>=', threshold: 20 },
    ],
    [
      'aggregate over a day',
      { kind: 'aggregate', aggFn: 'sum', aggField: 'amount', period: 'day', threshold: '2000' },
      { aggregate: { fn: 'sum', field: 'amount' }, period: 'day', threshold: 2000 },
    ],
    [
      'baseline',
      { kind: 'baseline', field: 'cpu', sensitivity: '3', condition: 'ignored' },
      { field: 'cpu', sensitivity: 3, condition: null },
    ],
    [
      'baseline judging means and volatility too',
      { kind: 'baseline', field: 'cpu', meanWindow: '12', volatilityWindow: '24' },
      { field: 'cpu', meanWindow: 12, volatilityWindow: 24 },
    ],
    [
      'baseline with a longer history, new extremes only',
      { kind: 'baseline', field: 'cpu', historySize: '1000', newExtremesOnly: true },
      { field: 'cpu', historySize: 1000, newExtremesOnly: true },
    ],
  ] as const)('builds a %s body', (_what, patch, expected) => {
    expect(toRuleBody(draft(patch as Partial<RuleDraft>))).toMatchObject(expected);
  });

  it('leaves out keys of other kinds, and clears them when the kind of a saved rule changes', () => {
    const seq = draft({ kind: 'sequence', condition: 'x > 1' });
    expect(toRuleBody(seq)).not.toHaveProperty('window');
    expect(toRuleBody(seq, true)).toMatchObject({ window: null, field: null, meanWindow: null, minCount: 3 });
    // A new baseline starts at the defaults; an emptied window is sent as null: off.
    expect(toRuleBody(draft({ kind: 'baseline', field: 'cpu' }))).toMatchObject({
      sensitivity: 5.5,
      seasonality: 'auto',
      meanWindow: 12,
      contextWindow: 48,
      newExtremesOnly: true,
    });
    expect(toRuleBody(draft({ kind: 'baseline', field: 'cpu', contextWindow: ' ' }))).toMatchObject({
      contextWindow: null,
    });
  });

  it('leaves out a number that is not one, so the api names the missing option', () => {
    expect(toRuleBody(draft({ kind: 'aggregate', threshold: 'lots' })).threshold).toBeUndefined();
    expect(toRuleBody(draft({ kind: 'aggregate', threshold: '2.5' })).threshold).toBe(2.5);
  });
});
