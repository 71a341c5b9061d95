import { coerceRow, mapRow, normaliseTimestamp } from './coerce';

describe('CSV coercion', () => {
  it.each([
    ['2014-04-10 00:04:00', '2014-04-10T00:04:00Z'],
    ['2014-04-10T00:04', '2014-04-10T00:04:00Z'],
    ['2014-04-10T00:04:00+02:00', '2014-04-10T00:04:00+02:00'],
    ['1700000000', 1_700_000_000_000],
    ['1700000000123', 1_700_000_000_123],
  ])('normalises timestamp %s', (raw, expected) => {
    expect(normaliseTimestamp(raw)).toEqual(expected);
  });

  it('maps columns, sets constants and converts by field type', () => {
    const row = mapRow(
      { timestamp: '2014-04-10 00:04:00', value: '91.958', note: '' },
      { value: 'cpu_percent' },
      { service: 'ec2' },
    );
    expect(
      coerceRow(row, [
        { name: 'timestamp', type: 'timestamp' },
        { name: 'cpu_percent', type: 'number' },
        { name: 'service', type: 'string' },
      ]),
    ).toEqual({ timestamp: '2014-04-10T00:04:00Z', cpu_percent: 91.958, service: 'ec2' });
  });

  it('passes through a value it cannot convert, so the api names the field', () => {
    expect(coerceRow({ cpu_percent: 'high' }, [{ name: 'cpu_percent', type: 'number' }])).toEqual({
      cpu_percent: 'high',
    });
  });
});
