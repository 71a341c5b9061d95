import {
  aggregate,
  periodStart,
  stepAggregate,
  type AggregateConfig,
  type AggregateSignal,
  type AggregateState,
} from './aggregate';

const MIN = 60_000;
const base: AggregateConfig = {
  fn: 'count',
  windowMs: 3 * MIN,
  period: null,
  timezone: 'UTC',
  op: '>=',
  threshold: 3,
  allowedLatenessMs: 2 * MIN,
  maxPoints: 10_000,
};

/** Runs events [minute, included, value] through one group; returns a signal summary per event. */
function run(config: AggregateConfig, events: [number, boolean, (number | string | null)?][], t0 = 0): string[] {
  let state: AggregateState | undefined;
  return events.map(([minute, included, value], i) => {
    const r = stepAggregate(config, state, { id: `e${i}`, t: t0 + minute * MIN, included, value: value ?? null });
    state = r.state;
    return r.signals.map(summarize).join(',') || '-';
  });
}

function summarize(s: AggregateSignal): string {
  if (s.type === 'match') return `match ${s.value}`;
  if (s.type === 'clear') return `clear ${s.value}`;
  return `late ${s.id}`;
}

describe('aggregate: sliding windows', () => {
  it.each<[string, AggregateConfig, [number, boolean, (number | string | null)?][], string[]]>([
    [
      'count >= 3 in 3 minutes fires on the third event',
      base,
      [
        [0, true],
        [1, true],
        [2, true],
      ],
      ['-', '-', 'match 3'],
    ],
    [
      'events older than the window expire',
      base,
      [
        [0, true],
        [1, true],
        [3, true],
      ],
      ['-', '-', '-'],
    ],
    [
      'excluded events advance time and can clear',
      base,
      [
        [0, true],
        [1, true],
        [2, true],
        [3.5, false],
      ],
      ['-', '-', 'match 3', 'clear 2'],
    ],
    [
      'excluded events do not count',
      base,
      [
        [0, true],
        [1, false],
        [2, true],
      ],
      ['-', '-', '-'],
    ],
    [
      'each included event that keeps it true is a match',
      base,
      [
        [0, true],
        [1, true],
        [2, true],
        [2.5, true],
      ],
      ['-', '-', 'match 3', 'match 4'],
    ],
    [
      'sum(amount) > 100',
      { ...base, fn: 'sum', op: '>', threshold: 100 },
      [
        [0, true, 60],
        [1, true, 50],
      ],
      ['-', 'match 110'],
    ],
    [
      'avg >= 80 over 5 minutes',
      { ...base, fn: 'avg', windowMs: 5 * MIN, threshold: 80 },
      [
        [0, true, 70],
        [1, true, 90],
        [7, true, 79],
      ],
      ['-', 'match 80', 'clear 79'],
    ],
    [
      'max',
      { ...base, fn: 'max', op: '>', threshold: 9 },
      [
        [0, true, 5],
        [1, true, 10],
      ],
      ['-', 'match 10'],
    ],
    [
      'min',
      { ...base, fn: 'min', op: '<', threshold: 2 },
      [
        [0, true, 5],
        [1, true, 1],
      ],
      ['-', 'match 1'],
    ],
    [
      'count_distinct',
      { ...base, fn: 'count_distinct', threshold: 2 },
      [
        [0, true, 'a'],
        [1, true, 'a'],
        [2, true, 'b'],
      ],
      ['-', '-', 'match 2'],
    ],
    [
      'p90',
      { ...base, fn: 'p90', op: '>', threshold: 8 },
      [
        [0, true, 1],
        [0.1, true, 2],
        [0.2, true, 10],
      ],
      ['-', '-', 'match 8.4'],
    ],
    [
      'a late event inside the allowance is counted in its own window',
      base,
      [
        [5, true],
        [4, true],
        [4.5, true],
      ],
      ['-', '-', 'match 3'],
    ],
    [
      'an event older than the allowance is too late',
      base,
      [
        [10, true],
        [7, true],
        [11, true],
      ],
      ['-', 'late e1', '-'],
    ],
  ])('%s', (_what, config, events, expected) => {
    expect(run(config, events)).toEqual(expected);
  });
});

describe('aggregate: calendar periods in the business time zone', () => {
  const daily: AggregateConfig = {
    ...base,
    fn: 'sum',
    windowMs: null,
    period: 'day',
    timezone: 'Europe/Zurich',
    op: '>',
    threshold: 2000,
  };
  // 2025-01-01 22:00 UTC is 23:00 in Zurich; 23:30 UTC is 00:30 the next day there.
  const t0 = Date.UTC(2025, 0, 1, 22, 0);

  it('sums within the local day and starts afresh at local midnight', () => {
    expect(
      run(
        daily,
        [
          [0, true, 1500],
          [10, true, 600],
          [90, true, 100],
        ],
        t0,
      ),
    ).toEqual(['-', 'match 2100', 'clear 100']);
  });

  it('refuses an event of a closed period as too late', () => {
    expect(
      run(
        daily,
        [
          [90, true, 100],
          [0, true, 5000],
        ],
        t0,
      ),
    ).toEqual(['-', 'late e1']);
  });

  it.each([
    ['day', Date.UTC(2025, 0, 1, 23, 30), Date.UTC(2025, 0, 1, 23, 0)],
    ['week', Date.UTC(2025, 0, 1, 12), Date.UTC(2024, 11, 29, 23, 0)],
    ['month', Date.UTC(2025, 0, 31, 23, 30), Date.UTC(2025, 0, 31, 23, 0)],
  ] as const)('a %s starts at local midnight', (period, t, expected) => {
    expect(periodStart(t, { period, timezone: 'Europe/Zurich' })).toBe(expected);
  });
});

describe('aggregate()', () => {
  it('is 0 for counts and undefined for others on an empty window', () => {
    expect(aggregate('count', [])).toBe(0);
    expect(aggregate('count_distinct', [])).toBe(0);
    expect(aggregate('avg', [])).toBeUndefined();
  });
});
