import type { FieldDefinition } from '../schema/business-schema';
import { checkSeriesSpec, chooseBucketMs, parseViewPanels } from './view-panel';

const fields: FieldDefinition[] = [
  { name: 'timestamp', type: 'timestamp' },
  { name: 'user_id', type: 'string' },
  { name: 'heart_rate', type: 'integer' },
  { name: 'note', type: 'string' },
  { name: 'tags', type: 'object' },
];

describe('checkSeriesSpec', () => {
  it.each([
    [{ agg: 'count' }, []],
    [{ agg: 'avg', field: 'heart_rate', groupBy: 'user_id', bucket: '5m' }, []],
    [{ agg: 'avg' }, ['/field']],
    [{ agg: 'avg', field: 'hr' }, ['/field']],
    [{ agg: 'p95', field: 'note' }, ['/field']],
    [{ agg: 'median', field: 'heart_rate' }, ['/agg']],
    [{ agg: 'count', groupBy: 'tags' }, ['/groupBy']],
    [{ agg: 'count', bucket: '5 minutes' }, ['/bucket']],
    [{ agg: 'count', bucket: '500ms' }, ['/bucket']],
    [{ agg: 'count', field: 'nope' }, ['/field']],
    [{ agg: 'count', filter: { field: 'user_id', values: ['u1'] } }, []],
    [{ agg: 'count', filter: { field: 'user_id', values: [] } }, ['/filter']],
    [{ agg: 'count', filter: { field: 'tags', values: ['x'] } }, ['/filter/field']],
  ])('%j has problems at %j', (spec, pointers) => {
    expect(checkSeriesSpec(spec, fields).map((e) => e.pointer)).toEqual(pointers);
  });
});

describe('parseViewPanels', () => {
  it('fills defaults and a title', () => {
    const r = parseViewPanels(
      [
        { agg: 'avg', field: 'heart_rate', groupBy: 'user_id' },
        { agg: 'count', title: ' Events per bucket ', chart: 'bar' },
      ],
      fields,
    );
    expect(r).toEqual({
      ok: true,
      panels: [
        {
          title: 'avg(heart_rate)',
          field: 'heart_rate',
          agg: 'avg',
          groupBy: 'user_id',
          bucket: null,
          chart: 'line',
          filter: null,
        },
        {
          title: 'Events per bucket',
          field: null,
          agg: 'count',
          groupBy: null,
          bucket: null,
          chart: 'bar',
          filter: null,
        },
      ],
    });
  });

  it.each([
    ['not an array', {}, ['/panels']],
    ['empty', [], ['/panels']],
    [
      'a bad panel among good ones',
      [{ agg: 'count' }, { agg: 'avg', field: 'note', chart: 'pie' }],
      ['/panels/1/chart', '/panels/1/field'],
    ],
    ['a non-object panel', [3], ['/panels/0']],
  ])('rejects %s', (_what, input, pointers) => {
    const r = parseViewPanels(input, fields);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.pointer)).toEqual(pointers);
  });
});

describe('chooseBucketMs', () => {
  it.each([
    [60 * 60_000, 30_000],
    [24 * 3_600_000, 15 * 60_000],
    [7 * 86_400_000, 2 * 3_600_000],
    [60_000, 1_000],
    [10 * 365 * 86_400_000, 7 * 86_400_000],
  ])('a %d ms range is drawn in %d ms buckets', (range, bucket) => {
    expect(chooseBucketMs(range)).toBe(bucket);
  });
});
