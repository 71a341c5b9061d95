import { compileEventValidator } from './event-validator';
import type { BusinessSchema } from './business-schema';

const schema: BusinessSchema = {
  id: 'vitals',
  timezone: 'UTC',
  timestampField: 'timestamp',
  entityKeyFields: ['user_id'],
  schemaVersion: 3,
  fields: [
    { name: 'timestamp', type: 'timestamp', required: true },
    { name: 'user_id', type: 'string', required: true },
    { name: 'heart_rate', type: 'number', min: 20, max: 250 },
    { name: 'steps', type: 'integer' },
    { name: 'posture', type: 'enum', enum: ['lying', 'sitting', 'standing'] },
    { name: 'worn', type: 'boolean' },
    { name: 'meta', type: 'object' },
  ],
};
const now = new Date('2025-01-01T00:00:00Z');
// Events dated 2025-01-02 are checked as received at `later`, not a day early.
const later = new Date('2025-01-03T00:00:00Z');
const validator = compileEventValidator(schema);

describe('compileEventValidator', () => {
  it('accepts a valid event and reads its event time and entity key', () => {
    const r = validator.validate(
      [
        {
          timestamp: '2024-12-31T23:04:05.000Z',
          user_id: 'u-1',
          heart_rate: 72.5,
          steps: 3,
          posture: 'lying',
          worn: true,
          meta: { a: 1 },
        },
      ],
      now,
    );
    expect(r.errors).toEqual([]);
    expect(r.events[0].eventTime.toISOString()).toBe('2024-12-31T23:04:05.000Z');
    expect(r.events[0].entityKey).toBe('u-1');
    expect(r.events[0].clientEventId).toBeNull();
  });

  it('takes epoch milliseconds as a timestamp', () => {
    const r = validator.validate([{ timestamp: 1_700_000_000_000, user_id: 'u' }], now);
    expect(r.events[0].eventTime.getTime()).toBe(1_700_000_000_000);
  });

  it('strips the client event id from the payload and keeps it apart', () => {
    const r = validator.validate([{ _id: 'abc', timestamp: '2025-01-02T03:04:05Z', user_id: 'u' }], later);
    expect(r.events[0].clientEventId).toBe('abc');
    expect(r.events[0].payload).not.toHaveProperty('_id');
  });

  it.each([
    [
      { timestamp: '2025-01-02T03:04:05Z', user_id: 'u', heart_rate: '72' },
      '/0/heart_rate',
      /must be number, got string "72"/,
    ],
    [{ timestamp: '2025-01-02T03:04:05Z' }, '/0/user_id', /is required/],
    [{ timestamp: '2025-01-02T03:04:05Z', user_id: 'u', heart_rate: 10 }, '/0/heart_rate', /must be >= 20/],
    [{ timestamp: '2025-01-02T03:04:05Z', user_id: 'u', steps: 1.5 }, '/0/steps', /must be integer/],
    [
      { timestamp: '2025-01-02T03:04:05Z', user_id: 'u', posture: 'running' },
      '/0/posture',
      /must be one of: lying, sitting, standing/,
    ],
    [{ timestamp: 'yesterday', user_id: 'u' }, '/0/timestamp', /RFC 3339/],
    [{ timestamp: '2025-01-02 03:04:05', user_id: 'u' }, '/0/timestamp', /RFC 3339/],
    [{ timestamp: '2025-01-02T03:04:05Z', user_id: 'u', worn: 'yes' }, '/0/worn', /must be boolean/],
    [{ timestamp: '2025-01-02T03:04:05Z', user_id: 'u', meta: [1] }, '/0/meta', /must be object, got array/],
    [{ timestamp: '2025-01-02T03:04:05Z', user_id: 'u', _id: '' }, '/0/_id', /must NOT have fewer than 1 characters/],
    [[1, 2], '/0', /must be a JSON object/],
  ])('rejects %j at %s', (event, pointer, detail) => {
    const r = validator.validate([event], now);
    expect(r.events).toEqual([]);
    expect(r.errors).toEqual(expect.arrayContaining([{ pointer, detail: expect.stringMatching(detail) }]));
  });

  it.each([
    [
      '9999-12-31',
      '9999-12-31T00:00:00Z',
      /is 7975 years ahead of the time it was received \(2025-01-01T00:00:00.000Z\); at most 10 min ahead is accepted/,
    ],
    ['a day ahead', '2025-01-02T00:00:00Z', /is 24 h ahead/],
    ['11 minutes ahead', '2025-01-01T00:11:00Z', /is 11 min ahead/],
    ['0001-01-01', '0001-01-01T00:00:00Z', /is before 1970-01-01T00:00:00.000Z/],
    ['epoch -1', -1, /is before 1970/],
    ['the largest epoch a Date holds', 8_640_000_000_000_000, /years ahead/],
    ['an epoch no Date holds', 1e16, /must be an RFC 3339 date-time/],
  ])('refuses an event time %s', (_what, timestamp, detail) => {
    const r = validator.validate([{ timestamp, user_id: 'u' }], now);
    expect(r.events).toEqual([]);
    expect(r.errors).toEqual([{ pointer: '/0/timestamp', detail: expect.stringMatching(detail) }]);
  });

  it('refuses an event before a floor the caller gives, with its reason', () => {
    const r = validator.validate(
      [
        { timestamp: '2024-11-30T00:00:00Z', user_id: 'u' },
        { timestamp: '2024-12-30T00:00:00Z', user_id: 'u' },
      ],
      now,
      { earliest: { ms: Date.parse('2024-12-01T00:00:00Z'), why: 'older than the retention' } },
    );
    expect(r.errors).toEqual([
      { pointer: '/0/timestamp', detail: 'is before 2024-12-01T00:00:00.000Z: older than the retention' },
    ]);
    expect(r.events).toHaveLength(1);
  });

  it('accepts an event up to the future skew ahead, and takes a larger skew when given', () => {
    expect(validator.validate([{ timestamp: '2025-01-01T00:10:00Z', user_id: 'u' }], now).errors).toEqual([]);
    expect(
      validator.validate([{ timestamp: '2025-01-02T00:00:00Z', user_id: 'u' }], now, {
        maxFutureSkewMs: 2 * 86_400_000,
      }).errors,
    ).toEqual([]);
    expect(validator.validate([{ timestamp: '1970-01-01T00:00:00Z', user_id: 'u' }], now).errors).toEqual([]);
  });

  it('reports every bad event of a batch with its index', () => {
    const r = validator.validate(
      [{ timestamp: '2025-01-02T03:04:05Z', user_id: 'ok' }, { timestamp: '2025-01-02T03:04:05Z' }, null],
      later,
    );
    expect(r.errors.map((e) => e.pointer)).toEqual(['/1/user_id', '/2']);
    expect(r.events).toHaveLength(1);
  });

  it('uses the receive time when the business has no timestamp field', () => {
    const v = compileEventValidator({
      ...schema,
      timestampField: null,
      fields: schema.fields.filter((f) => f.name !== 'timestamp'),
    });
    expect(v.validate([{ user_id: 'u' }], now).events[0].eventTime).toEqual(now);
  });
});
