import { compileCondition } from './condition';
import type { FieldDefinition } from '../schema/business-schema';

const fields: FieldDefinition[] = [
  { name: 'heart_rate', type: 'number' },
  { name: 'activity_level', type: 'number' },
  { name: 'steps', type: 'integer' },
  { name: 'message', type: 'string' },
  { name: 'level', type: 'enum', enum: ['INFO', 'ERROR'] },
  { name: 'worn', type: 'boolean' },
  { name: 'at', type: 'timestamp' },
  { name: 'meta', type: 'object' },
];

function compile(source: string) {
  const r = compileCondition(source, fields);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.condition;
}

describe('compileCondition: check', () => {
  it.each([
    ['hart_rate > 100', /unknown field 'hart_rate' \(at column 1\); did you mean 'heart_rate'\?/],
    ['message > 3', /type mismatch: no operator for string > int/],
    ['heart_rate', /must be a boolean expression/],
    ['heart_rate > ', /Unexpected token/],
    ['', /non-empty/],
    [
      'message.matches("(a)\\\\1")',
      /invalid regular expression "\(a\)\\\\1" \(at column 17\): .*invalid escape sequence.*RE2 syntax/,
    ],
    ['message.matches("(?=a)b")', /invalid regular expression .*unsupported Perl syntax/],
    ['matches(message, "[")', /invalid regular expression "\["/],
    [`message.matches("${'a'.repeat(1001)}")`, /longer than 1000 characters/],
  ])('rejects %j naming the problem', (source, detail) => {
    const r = compileCondition(source, fields);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([{ pointer: '/condition', detail: expect.stringMatching(detail) }]);
  });

  it('lists the fields a condition references', () => {
    expect(compile('heart_rate > 100 && activity_level < 10').fields).toEqual(['heart_rate', 'activity_level']);
  });
});

describe('compileCondition: run', () => {
  it.each([
    ['heart_rate > 100 && activity_level < 10', { heart_rate: 120, activity_level: 3 }, true],
    ['heart_rate > 100 && activity_level < 10', { heart_rate: 120, activity_level: 30 }, false],
    ['heart_rate == 100', { heart_rate: 100 }, true],
    ['heart_rate + 5 > 100', { heart_rate: 96 }, true],
    ['steps >= 10', { steps: 10 }, true],
    ['message.contains("failed")', { message: 'upload failed: timeout' }, true],
    ["level == 'ERROR'", { level: 'ERROR' }, true],
    ['worn', { worn: true }, true],
    ['at > timestamp("2024-01-01T00:00:00Z")', { at: '2024-06-01T00:00:00Z' }, true],
    ['has(meta.k) && meta.k == "v"', { meta: { k: 'v' } }, true],
    // A missing optional field makes a conjunction false, not an error.
    ['heart_rate > 100 && activity_level < 10', { heart_rate: 120 }, false],
    // With ||, the other side still decides.
    ['activity_level < 10 || heart_rate > 100', { heart_rate: 120 }, true],
  ])('%s on %j is %s', (source, payload, expected) => {
    expect(compile(source).run(payload)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['message.matches("fail(ed|ure)")', 'upload failure', true],
    ['message.matches("^fail")', 'upload failed', false],
    ['matches(message, "[0-9]{3}")', 'code 503', true],
    ['message.matches(level)', 'INFO line', true],
  ])('%s on %j is %s, with RE2 semantics (a partial match)', (source, message, expected) => {
    expect(compile(source).run({ message, level: 'INFO' })).toEqual({ ok: true, value: expected });
  });

  it('matches a catastrophic-backtracking pattern in linear time', () => {
    const c = compile('message.matches("^(a+)+$")');
    const started = performance.now();
    for (const n of [30, 1_000, 10_000])
      expect(c.run({ message: `${'a'.repeat(n)}b` })).toEqual({ ok: true, value: false });
    // JavaScript's RegExp needs seconds for 30 characters; RE2 a few ms for all three.
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('gives a bad pattern built from the event as an error value', () => {
    const r = compile('message.matches(level)').run({ message: 'x', level: '(' });
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/Invalid regular expression/) });
  });

  it('returns a runtime error as a value instead of throwing', () => {
    const r = compile('int(message) > 3').run({ message: 'abc' });
    expect(r.ok).toBe(false);
  });
});
