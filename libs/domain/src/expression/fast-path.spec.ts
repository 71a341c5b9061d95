import { createConditionEnvironment } from './condition';
import { compileFastPath, FAST_FALSE, FAST_MISSING, FAST_TRUE } from './fast-path';
import type { FieldDefinition } from '../schema/business-schema';

const fields: FieldDefinition[] = [
  { name: 'x', type: 'number' },
  { name: 'y', type: 'integer' },
  { name: 'm', type: 'string' },
  { name: 'lvl', type: 'enum', enum: ['INFO', 'ERROR'] },
  { name: 'b', type: 'boolean' },
  { name: 'o', type: 'object' },
];
const env = createConditionEnvironment(fields);
const kinds = new Map([
  ['x', 'double'],
  ['y', 'double'],
  ['m', 'string'],
  ['lvl', 'string'],
  ['b', 'bool'],
  ['o', 'map'],
]);

describe('compileFastPath', () => {
  // Every expression the fast path takes must agree with cel-js on every event.
  const supported = [
    'x > 100 && y < 10',
    'x == 100 || y != 3',
    '!(x >= 1.5) || -x < 2.5',
    'x + 2 > y * 3',
    'x / 2 == 50',
    '1 - x < 0',
    'm.contains("fail") && m.startsWith("up") || m.endsWith("!")',
    "lvl == 'ERROR' && b",
    'lvl in ["INFO", "WARN"]',
    'x > 50 ? b : !b',
  ];
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const events = Array.from({ length: 2000 }, () => ({
    x: [0, 1.5, 50, 100, 150, -3][Math.floor(rnd() * 6)] + (rnd() < 0.3 ? rnd() : 0),
    y: Math.floor(rnd() * 40),
    m: ['upload failed', 'ok!', 'rain', 'up', ''][Math.floor(rnd() * 5)],
    lvl: rnd() < 0.5 ? 'INFO' : 'ERROR',
    b: rnd() < 0.5,
  }));

  it.each(supported)('agrees with cel-js on %s', (source) => {
    const fast = compileFastPath(env.parse(source).ast, kinds);
    expect(fast).not.toBeNull();
    const program = env.parse(source);
    for (const e of events)
      expect([source, e, fast!(e)]).toEqual([source, e, program(e) === true ? FAST_TRUE : FAST_FALSE]);
  });

  it('answers FAST_MISSING when a referenced field is absent or null, so the caller asks cel-js', () => {
    const fast = compileFastPath(env.parse('x > 1 || m == "a"').ast, kinds)!;
    expect(fast({ x: 2, m: 'b' })).toBe(FAST_TRUE);
    expect(fast({ x: 2 })).toBe(FAST_MISSING);
    expect(fast({ x: null, m: 'a' })).toBe(FAST_MISSING);
  });

  it('keeps field names and strings as data in the generated code', () => {
    const f = new Map([['a"b', 'string']]);
    const ast = {
      op: '==',
      args: [
        { op: 'id', args: 'a"b' },
        { op: 'value', args: '"); throw 1; ("' },
      ],
    } as unknown as Parameters<typeof compileFastPath>[0];
    const fast = compileFastPath(ast, f)!;
    expect(fast({ 'a"b': '"); throw 1; ("' })).toBe(FAST_TRUE);
    expect(fast({ 'a"b': 'x' })).toBe(FAST_FALSE);
  });

  it.each([
    ['integer division', 'x > 7 / 2'],
    ['modulo', 'y % 2 == 0'],
    ['object fields', 'o.k == "v"'],
    ['has()', 'has(o.k)'],
    ['size()', 'size(m) > 3'],
    ['in on a string', '"ai" in m'],
  ])('leaves %s to cel-js', (_what, source) => {
    expect(compileFastPath(env.parse(source).ast, kinds)).toBeNull();
  });
});
