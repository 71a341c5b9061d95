import type { RuleClear } from '../engine/evaluate-batch';
import type { RuleMatch } from '../rules/evaluate-immediate';
import { episodePhases } from './episodes';
import type { LifecycleRule } from './lifecycle';

const MIN = 60_000;
const match = (minute: number, fingerprint = 'cpu'): RuleMatch => ({
  ruleId: 'r',
  ruleVersion: 1,
  fingerprint,
  groupKey: { service: fingerprint },
  eventId: `${fingerprint}-${minute}`,
  eventTime: new Date(minute * MIN),
  severity: 'high',
  values: {},
});
const clear = (minute: number, fingerprint = 'cpu'): RuleClear => ({
  ruleId: 'r',
  fingerprint,
  t: new Date(minute * MIN),
});
const rule = (definition: Partial<LifecycleRule['definition']>): LifecycleRule => ({
  ruleId: 'r',
  definition: { name: 'Sustained', kind: 'sequence', ...definition },
});
const tenMinutes = [rule({ resolveAfter: '10m' })];
const minutes = (ms: RuleMatch[]) => ms.map((m) => m.eventTime.getTime() / MIN);

describe('episodePhases: one evaluation split into the episodes of its groups by event time', () => {
  it('splits a run that broke for resolveAfter or longer, and keeps one that came back sooner', () => {
    // Runs at 0–10, 15–20 (back after 5 minutes: the same episode) and 60–65 (after 40 minutes: a new one).
    const r = episodePhases(
      [0, 5, 10, 15, 20, 60, 65].map((m) => match(m)),
      [clear(11), clear(21), clear(66)],
      tenMinutes,
    );
    expect(r.phases.map((p) => minutes(p.matches))).toEqual([
      [0, 5, 10, 15, 20],
      [60, 65],
    ]);
    // The clear at 21 ends the first episode before the second is applied; the one at 11 is moot.
    expect(r.phases.map((p) => p.clears.map((c) => c.t.getTime() / MIN))).toEqual([[], [21]]);
    expect(r.trailing.map((c) => c.t.getTime() / MIN)).toEqual([66]);
  });

  it('ends the alert stored before the batch when its clear comes first and the next match long after', () => {
    const r = episodePhases([match(30)], [clear(2)], tenMinutes);
    expect(r.phases).toEqual([{ clears: [clear(2)], matches: [match(30)] }]);
    expect(r.trailing).toEqual([]);
  });

  it('never splits without resolveAfter, and passes on clears of groups without a match', () => {
    const r = episodePhases(
      [match(0), match(500), match(3, 'db')],
      [clear(1), clear(4, 'db'), clear(9, 'api')],
      [rule({})],
    );
    expect(r.phases).toHaveLength(1);
    expect(minutes(r.phases[0].matches).sort((a, b) => a - b)).toEqual([0, 3, 500]);
    expect(r.trailing.map((c) => c.fingerprint).sort()).toEqual(['api', 'db']);
  });

  it('gives each group its own episodes, phase by phase', () => {
    const r = episodePhases(
      [match(0, 'a'), match(50, 'a'), match(100, 'a'), match(0, 'b')],
      [clear(1, 'a'), clear(51, 'a')],
      tenMinutes,
    );
    expect(r.phases.map((p) => p.matches.map((m) => `${m.fingerprint}${m.eventTime.getTime() / MIN}`))).toEqual([
      ['a0', 'b0'],
      ['a50'],
      ['a100'],
    ]);
  });

  it('applies at most maxPhases phases: later episodes of a group count into its last', () => {
    // An episode per match, 20 minutes apart: hostile history cannot multiply the statements of one batch.
    const ms = Array.from({ length: 50 }, (_, i) => match(i * 20));
    const cs = Array.from({ length: 50 }, (_, i) => clear(i * 20 + 1));
    const r = episodePhases(ms, cs, tenMinutes, 4);
    expect(r.phases.map((p) => p.matches.length)).toEqual([1, 1, 1, 47]);
  });

  it('splits the matches of an immediate rule where resolveAfter passes between two', () => {
    const r = episodePhases(
      [0, 3, 20, 22].map((m) => match(m)),
      [],
      [rule({ kind: 'immediate', resolveAfter: '10m' })],
    );
    expect(r.phases.map((p) => minutes(p.matches))).toEqual([
      [0, 3],
      [20, 22],
    ]);
  });
});
