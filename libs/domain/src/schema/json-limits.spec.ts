import { jsonProblem, pointerSegment } from './json-limits';

describe('jsonProblem', () => {
  it.each([
    ['a NUL in a string', { a: ['x', 'b\u0000'] }, '/a/1', /U\+0000/],
    ['a lone high surrogate', { a: 'x\ud800' }, '/a', /lone UTF-16 surrogate/],
    ['a lone low surrogate in a key', { '\udc00': 1 }, '/\udc00', /key contains a lone/],
    ['a NUL in a key', { 'a\u0000': 1 }, '/a\u0000', /key contains U\+0000/],
    ['an infinite number', JSON.parse('{"n":1e400}'), '/n', /out of range/],
    ['a __proto__ key', JSON.parse('{"x":{"__proto__":{"a":1}}}'), '/x/__proto__', /reserved/],
    [
      'nesting past the limit',
      JSON.parse(`${'['.repeat(65)}${']'.repeat(65)}`),
      `${'/0'.repeat(64)}`,
      /deeper than 64/,
    ],
    [
      'too many keys',
      Object.fromEntries(Array.from({ length: 2_001 }, (_, i) => [`k${i}`, i])),
      '',
      /2001 keys; at most 2000/,
    ],
  ])('finds %s', (_what, value, pointer, detail) => {
    expect(jsonProblem(value)).toEqual({ pointer, detail: expect.stringMatching(detail) });
  });

  it.each([
    [
      'an ordinary event',
      { timestamp: '2025-01-01T00:00:00Z', user: 'ann', hr: 72.5, tags: ['a', 'b'], meta: { ok: true, none: null } },
    ],
    ['astral characters (a surrogate pair)', { name: '𝄞 ☃ é' }],
    ['nesting up to the limit', JSON.parse(`${'['.repeat(64)}${']'.repeat(64)}`)],
    ['a constructor key as data', { constructor: 'x' }],
  ])('passes %s', (_what, value) => {
    expect(jsonProblem(value)).toBeNull();
  });

  it('walks 10,000 levels without recursion', () => {
    expect(jsonProblem(JSON.parse(`${'['.repeat(10_000)}${']'.repeat(10_000)}`))?.detail).toMatch(/deeper than 64/);
  });

  it('prefixes pointers with the base', () => {
    expect(jsonProblem({ a: '\u0000' }, undefined, '/3')).toEqual({ pointer: '/3/a', detail: expect.any(String) });
  });
});

describe('pointerSegment', () => {
  it.each([
    ['a/b', 'a~1b'],
    ['a~b', 'a~0b'],
    ['x'.repeat(300), `${'x'.repeat(200)}…`],
  ])('escapes %j', (name, segment) => {
    expect(pointerSegment(name)).toBe(segment);
  });
});
