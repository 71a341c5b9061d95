import { compileRule } from './compile-rule';
import { evaluateImmediate, type EvaluationEvent } from './evaluate-immediate';
import { parseRuleDefinition, type RuleDefinition } from './rule-definition';
import { alertSummary, foldMatches } from '../alerts/alert-candidate';
import { alertFingerprint } from '../alerts/fingerprint';
import type { FieldDefinition } from '../schema/business-schema';

const fields: FieldDefinition[] = [
  { name: 'user_id', type: 'string' },
  { name: 'heart_rate', type: 'number' },
  { name: 'activity_level', type: 'number' },
];

function rule(body: object, id = 'r1') {
  const r = parseRuleDefinition({ name: 'Tachycardia at rest', kind: 'immediate', ...body }, fields);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return compileRule({ id, version: 1, definition: r.definition as RuleDefinition }, fields);
}
let n = 0;
function event(payload: Record<string, unknown>, minute = n): EvaluationEvent {
  n++;
  return { id: `e${n}`, eventTime: new Date(Date.UTC(2025, 0, 1, 0, minute)), payload };
}

describe('evaluateImmediate', () => {
  const tachy = rule({
    condition: 'heart_rate > 100 && activity_level < 10',
    groupBy: ['user_id'],
    severity: 'high',
    escalations: [{ when: 'heart_rate > 130', severity: 'critical' }],
  });

  it.each([
    ['matches at rest above 100 bpm', { user_id: 'a', heart_rate: 120, activity_level: 3 }, 'high'],
    ['escalates above 130 bpm', { user_id: 'a', heart_rate: 140, activity_level: 3 }, 'critical'],
    ['ignores exercise', { user_id: 'a', heart_rate: 140, activity_level: 50 }, null],
    ['ignores a normal pulse', { user_id: 'a', heart_rate: 70, activity_level: 3 }, null],
  ])('%s', (_what, payload, severity) => {
    const { matches, failures } = evaluateImmediate([tachy], [event(payload)]);
    expect(failures).toEqual([]);
    expect(matches.map((m) => m.severity)).toEqual(severity ? [severity] : []);
  });

  it('gives each group its own fingerprint and keeps the matched values', () => {
    const { matches } = evaluateImmediate(
      [tachy],
      [
        event({ user_id: 'a', heart_rate: 120, activity_level: 1 }),
        event({ user_id: 'b', heart_rate: 125, activity_level: 2 }),
      ],
    );
    expect(matches.map((m) => m.fingerprint)).toEqual([
      alertFingerprint('r1', { user_id: 'a' }),
      alertFingerprint('r1', { user_id: 'b' }),
    ]);
    expect(matches[1].values).toEqual({ heart_rate: 125, activity_level: 2 });
  });

  it('skips disabled rules', () => {
    const off = rule({ condition: 'heart_rate > 0', enabled: false });
    expect(evaluateImmediate([off], [event({ heart_rate: 90 })]).matches).toEqual([]);
  });

  it('reports a failing condition as a value and goes on with the batch', () => {
    const bad = rule({ condition: 'int(user_id) > 3' }, 'bad');
    const { matches, failures } = evaluateImmediate(
      [bad, tachy],
      [event({ user_id: 'x', heart_rate: 120, activity_level: 1 })],
    );
    expect(failures).toHaveLength(1);
    expect(matches).toHaveLength(1);
  });
});

describe('foldMatches', () => {
  it('folds one fingerprint into one candidate with the highest severity and the event-time span', () => {
    const tachy = rule({
      condition: 'heart_rate > 100',
      groupBy: ['user_id'],
      escalations: [{ when: 'heart_rate > 130', severity: 'critical' }],
    });
    const events = [
      event({ user_id: 'a', heart_rate: 135 }, 5),
      event({ user_id: 'a', heart_rate: 110 }, 1),
      event({ user_id: 'a', heart_rate: 120 }, 9),
    ];
    const [c, ...rest] = foldMatches(evaluateImmediate([tachy], events).matches);
    expect(rest).toEqual([]);
    expect(c.severity).toBe('critical');
    expect(c.startTime.getUTCMinutes()).toBe(1);
    expect(c.endTime.getUTCMinutes()).toBe(9);
    expect(c.eventIds).toHaveLength(3);
    expect(alertSummary('Fast pulse', c)).toBe('Fast pulse: heart_rate=120 (user_id=a)');
  });

  it('leaves out values the event did not carry instead of printing null, and rounds floats', () => {
    const c = {
      groupKey: { service: 'api' },
      samples: [
        { eventId: 'e', eventTime: '2026-01-01T00:00:00Z', values: { status: null, latency: 98.46600000000001 } },
      ],
    };
    expect(alertSummary('Slow', c)).toBe('Slow: latency=98.466 (service=api)');
  });
});
