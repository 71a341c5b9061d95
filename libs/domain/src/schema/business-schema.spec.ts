import { checkBusinessSchema, type FieldDefinition } from './business-schema';

const base = { timezone: 'Europe/Zurich', timestampField: 'ts', entityKeyFields: ['route'] };
const fields: FieldDefinition[] = [
  { name: 'ts', type: 'timestamp', required: true },
  { name: 'route', type: 'string' },
];

describe('checkBusinessSchema', () => {
  it('accepts a well-formed schema', () => {
    expect(checkBusinessSchema({ ...base, fields })).toEqual([]);
  });

  it.each([
    [
      'a field name that is not an identifier',
      { fields: [...fields, { name: 'heart-rate', type: 'number' }] },
      '/fields/2/name',
    ],
    ['a reserved field name', { fields: [...fields, { name: 'in', type: 'number' }] }, '/fields/2/name'],
    ['a field named __proto__', { fields: [...fields, { name: '__proto__', type: 'number' }] }, '/fields/2/name'],
    ['a field named constructor', { fields: [...fields, { name: 'constructor', type: 'string' }] }, '/fields/2/name'],
    ['a field named toString', { fields: [...fields, { name: 'toString', type: 'string' }] }, '/fields/2/name'],
    [
      'a field named hasOwnProperty',
      { fields: [...fields, { name: 'hasOwnProperty', type: 'boolean' }] },
      '/fields/2/name',
    ],
    ['an unknown type', { fields: [...fields, { name: 'x', type: 'float' }] }, '/fields/2/type'],
    ['an enum without values', { fields: [...fields, { name: 'x', type: 'enum' }] }, '/fields/2/enum'],
    ['min above max', { fields: [...fields, { name: 'x', type: 'number', min: 5, max: 1 }] }, '/fields/2/min'],
    ['min on a string', { fields: [...fields, { name: 'x', type: 'string', min: 1 }] }, '/fields/2/min'],
    ['a duplicate name', { fields: [...fields, { name: 'route', type: 'string' }] }, '/fields/2/name'],
    ['a missing timestamp field', { timestampField: 'time' }, '/timestampField'],
    ['a timestamp field of another type', { timestampField: 'route' }, '/timestampField'],
    ['an unknown entity key', { entityKeyFields: ['user'] }, '/entityKeyFields/0'],
    ['an unknown time zone', { timezone: 'Mars/Olympus' }, '/timezone'],
  ])('rejects %s', (_what, patch, pointer) => {
    const errors = checkBusinessSchema({ ...base, fields, ...(patch as object) } as never);
    expect(errors.map((e) => e.pointer)).toContain(pointer);
  });
});
