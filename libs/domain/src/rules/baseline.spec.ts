import { dropOldest, scoreRange } from './baseline/robust-statistics';
import {
  binOf,
  recordMargin,
  scoreValue,
  stepBaseline,
  type BaselineConfig,
  type BaselineSignal,
  type BaselineState,
} from './baseline';

const HOUR = 3_600_000;
const config: BaselineConfig = {
  contextWindow: null,
  quietPeriod: 0,
  sensitivity: 3.5,
  direction: 'both',
  seasonality: 'none',
  timezone: 'UTC',
  historySize: 50,
  minHistory: 10,
  newExtremesOnly: false,
  meanWindow: null,
  volatilityWindow: null,
  allowedLatenessMs: HOUR,
};

/** Runs values (one per hour unless [t, value]) through one group; returns a summary of the signals per value. */
function run(cfg: BaselineConfig, values: (number | [number, number | null])[]): string[] {
  let state: BaselineState | undefined;
  return values.map((v, i) => {
    const [t, value] = Array.isArray(v) ? v : [i * HOUR, v];
    const r = stepBaseline(cfg, state, { id: `e${i}`, t, value });
    state = r.state;
    return r.signals.map(summarize).join(',') || '-';
  });
}

function summarize(s: BaselineSignal): string {
  if (s.type === 'match') return `match z=${s.z.toFixed(1)}`;
  if (s.type === 'clear') return 'clear';
  return `late ${s.id}`;
}

/** 10, 11, 9, 10, 11, 9, … : median 10, MAD 1, robust sigma 1.4826. */
const steady = (n: number) => Array.from({ length: n }, (_, i) => [10, 11, 9][i % 3]);

describe('baseline: the Hampel band, streaming', () => {
  it.each<[string, BaselineConfig, (number | [number, number | null])[], string[]]>([
    ['a group is not judged before minHistory values', config, [100, ...steady(9)], Array(10).fill('-')],
    [
      'a value far outside the band matches with its robust z',
      config,
      [...steady(10), 20],
      [...Array(10).fill('-'), 'match z=6.7'],
    ],
    ['a value inside the band does not', config, [...steady(10), 14], Array(11).fill('-')],
    [
      'back inside after a match clears',
      config,
      [...steady(10), 20, 10],
      [...Array(10).fill('-'), 'match z=6.7', 'clear'],
    ],
    ['below the band, with direction both', config, [...steady(10), 0], [...Array(10).fill('-'), 'match z=-6.7']],
    ['direction above ignores a drop', { ...config, direction: 'above' }, [...steady(10), 0], Array(11).fill('-')],
    ['direction below ignores a spike', { ...config, direction: 'below' }, [...steady(10), 20], Array(11).fill('-')],
    ['a higher sensitivity widens the band', { ...config, sensitivity: 8 }, [...steady(10), 20], Array(11).fill('-')],
    ['values without a number are ignored', config, [...steady(10), [10 * HOUR, null]], Array(11).fill('-')],
    [
      'newExtremesOnly: a spike no larger than an earlier one does not count',
      { ...config, newExtremesOnly: true },
      [...steady(30), 40, ...steady(5), 30, 50],
      [...Array(30).fill('-'), 'match z=20.2', 'clear', ...Array(4).fill('-'), '-', 'match z=27.0'],
    ],
    // 36 values: the margin is 1 / (H_36 − ln 2) = 0.29 of the old high's distance (30) from the median: 48.6 and up (a
    // fixed tenth would take 46); then 0.285 of 46's distance (36): 56.3 and up.
    [
      "newExtremesOnly: a new high by less than a chance record's mean excess does not count",
      { ...config, newExtremesOnly: true },
      [...steady(30), 40, ...steady(5), 46, 60],
      [...Array(30).fill('-'), 'match z=20.2', 'clear', ...Array(4).fill('-'), '-', 'match z=33.7'],
    ],
    [
      'a too-late value is reported, not learned',
      config,
      [...steady(10), [2 * HOUR, 500]],
      [...Array(10).fill('-'), 'late e10'],
    ],
  ])('%s', (_what, cfg, values, expected) => {
    expect(run(cfg, values)).toEqual(expected);
  });

  it('is robust to past anomalies: a few spikes in the history do not widen the band', () => {
    const history = [...steady(30), 90, 95, 100];
    const s = scoreValue(history, 20, 3.5);
    expect(s.median).toBe(10);
    expect(s.z).toBeGreaterThan(3.5);
  });

  it('learns a lasting level shift as the new normal once it fills half the history', () => {
    const out = run(config, [...steady(50), ...Array(40).fill(30)]);
    expect(out[50]).toMatch(/^match/);
    expect(out.slice(-5)).toEqual(Array(5).fill('-'));
  });

  it('meanWindow: a level shift inside the range of single values moves the mean out of its band', () => {
    // 8, 12, 8, 12, …: every single value 8 or 12 (median 10, MAD 2). Then a run of 11, 12, 11, 12:
    // each value is inside the band, but the mean of 4 moves from 10 to 11.5, far off the means' band.
    const alternating = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 8 : 12));
    const shifted = [...alternating(40), ...Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? 11 : 12))];
    const cfg: BaselineConfig = { ...config, meanWindow: 4 };
    expect(run(config, shifted).filter((s) => s !== '-')).toEqual([]);
    const out = run(cfg, shifted);
    expect(out.slice(0, 40).filter((s) => s !== '-')).toEqual([]);
    expect(out.slice(40).some((s) => s.startsWith('match'))).toBe(true);
    // The match reports the mean it judged: the first window with two shifted values, (8 + 12 + 11 + 12) / 4,
    // already leaves the band of means that were all 10.
    let state: BaselineState | undefined;
    const matches = shifted.flatMap((v, i) => {
      const r = stepBaseline(cfg, state, { id: `e${i}`, t: i * HOUR, value: v });
      state = r.state;
      return r.signals.filter((x) => x.type === 'match');
    });
    expect(matches[0]).toMatchObject({ of: 'mean', median: 10 });
    expect(matches[0].type === 'match' && matches[0].value).toBe(10.75);
  });

  it('volatilityWindow: values that change more often, inside the same range, leave the volatility band', () => {
    // 8, 8, 12, 12, …: a mean change of 2 per step. Then 8, 12, 8, 12: same values, same mean, twice the change.
    const calm = Array.from({ length: 60 }, (_, i) => (i % 4 < 2 ? 8 : 12));
    const jittery = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? 8 : 12));
    const cfg: BaselineConfig = { ...config, volatilityWindow: 4 };
    expect(run(config, [...calm, ...jittery]).filter((x) => x !== '-')).toEqual([]);
    let state: BaselineState | undefined;
    const matches = [...calm, ...jittery].flatMap((v, i) => {
      const r = stepBaseline(cfg, state, { id: `e${i}`, t: i * HOUR, value: v });
      state = r.state;
      return r.signals.flatMap((x) =>
        x.type === 'match' ? [{ at: i, of: x.of, value: x.value, median: x.median }] : [],
      );
    });
    expect(matches.filter((m) => m.at < 60)).toEqual([]);
    expect(matches[0]).toMatchObject({ of: 'volatility', median: 2 });
    expect(matches[0].value).toBeGreaterThan(2);
  });

  it(
    "window statistics are derived from the values: the state keeps historySize values and the windows' reach, " +
      'nothing else',
    () => {
      const cfg: BaselineConfig = { ...config, historySize: 50, meanWindow: 4, volatilityWindow: 6 };
      let state: BaselineState | undefined;
      for (let i = 0; i < 200; i++)
        state = stepBaseline(cfg, state, { id: `e${i}`, t: i * HOUR, value: [8, 12, 9][i % 3] }).state;
      expect(Object.keys(state!).sort()).toEqual(['bins', 'holding', 'watermark']);
      expect(state!.bins.all).toHaveLength(50 + 6);
    },
  );

  it("judges the same whether a group's state is kept in memory or saved and loaded between every two values", () => {
    // The worker clones each stored state per batch: window statistics are then derived afresh, not extended.
    let x = 3;
    const rnd = () => (x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const values = Array.from(
      { length: 400 },
      (_, i) => 10 + 4 * rnd() + (i > 300 && i < 330 ? 3 : 0) + (i % 97 === 0 ? 15 : 0),
    );
    for (const cfg of [
      { ...config, historySize: 60, meanWindow: 5, volatilityWindow: 8 },
      {
        ...config,
        historySize: 60,
        meanWindow: 5,
        volatilityWindow: 8,
        newExtremesOnly: true,
        seasonality: 'hour_of_day' as const,
        minHistory: 5,
      },
    ]) {
      let kept: BaselineState | undefined;
      let saved: BaselineState | undefined;
      const inMemory: string[] = [];
      const reloaded: string[] = [];
      values.forEach((value, i) => {
        const a = stepBaseline(cfg, kept, { id: `e${i}`, t: i * HOUR, value });
        kept = a.state;
        inMemory.push(a.signals.map(summarize).join(','));
        const b = stepBaseline(cfg, saved && JSON.parse(JSON.stringify(saved)), { id: `e${i}`, t: i * HOUR, value });
        saved = b.state;
        reloaded.push(b.signals.map(summarize).join(','));
      });
      expect(inMemory.filter((s) => s.startsWith('match')).length).toBeGreaterThan(0);
      expect(reloaded).toEqual(inMemory);
    }
  });

  it('reads a state saved with window statistics: drops them and derives the windows from its values', () => {
    const cfg: BaselineConfig = { ...config, meanWindow: 4 };
    const alternating = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? 8 : 12));
    const old = {
      bins: { all: alternating },
      means: { all: Array(47).fill(10) },
      watermark: 49 * HOUR,
      holding: false,
    } as BaselineState;
    const shifted = [11, 12, 11, 12];
    let state: BaselineState | undefined = old;
    const out = shifted.map((value, i) => {
      const r = stepBaseline(cfg, state, { id: `s${i}`, t: (50 + i) * HOUR, value });
      state = r.state;
      return r.signals.map(summarize).join(',') || '-';
    });
    expect(state!.means).toBeUndefined();
    expect(out.some((s) => s.startsWith('match'))).toBe(true);
  });

  it('seasonality auto: learns the daily shape and flags a day that breaks it inside the usual range', () => {
    // Five-minute values: 20 from 08:00 to 17:00, 10 otherwise, with a little noise. On day 6, 12:00-13:00 reads 10.
    const MIN5 = 5 * 60_000;
    const day = (d: number, broken: boolean) =>
      Array.from({ length: 288 }, (_, k): [number, number] => {
        const hour = Math.floor(k / 12);
        const level = hour >= 8 && hour < 17 && !(broken && hour === 12) ? 20 : 10;
        return [(d * 288 + k) * MIN5, level + ((((d * 288 + k) * 7) % 5) - 2) * 0.25];
      });
    const values = [...[0, 1, 2, 3, 4].flatMap((d) => day(d, false)), ...day(5, true)];
    const cfg: BaselineConfig = { ...config, historySize: 1000, minHistory: 30, sensitivity: 5 };
    const matchesAt = (c: BaselineConfig) => {
      let state: BaselineState | undefined;
      return values.flatMap(([t, v], i) => {
        const r = stepBaseline(c, state, { id: `e${i}`, t, value: v });
        state = r.state;
        return r.signals.flatMap((x) => (x.type === 'match' ? [{ i, seasonal: x.seasonal }] : []));
      });
    };
    const auto = matchesAt({ ...cfg, seasonality: 'auto' });
    const brokenFrom = 5 * 288 + 12 * 12;
    // Once the profile has two earlier days and a day of residuals, ordinary days raise nothing.
    expect(auto.filter((m) => m.i >= 3 * 288 && m.i < brokenFrom)).toEqual([]);
    expect(auto.find((m) => m.i >= brokenFrom)).toMatchObject({
      i: brokenFrom,
      seasonal: { expected: expect.closeTo(20, 0) },
    });
    // Without seasonality, 10 at noon is an ordinary value (the night's level).
    expect(
      matchesAt({ ...cfg, seasonality: 'none' }).filter((m) => m.i >= brokenFrom && m.i < brokenFrom + 12),
    ).toEqual([]);
  });

  it("seasonality auto: judges residuals in units of their time of day's own spread", () => {
    // Quiet nights (10 ± 0.25) and noisy days (20 ± 3, 08:00-17:00). On day 6, 03:00-04:00 reads 2 higher:
    // well inside a day's noise, eight times the night's.
    const MIN5 = 5 * 60_000;
    const noise = (i: number) => ((i * 2654435761) % 1000) / 1000 - 0.5;
    const day = (d: number, shifted: boolean) =>
      Array.from({ length: 288 }, (_, k): [number, number] => {
        const i = d * 288 + k;
        const hour = Math.floor(k / 12);
        const daytime = hour >= 8 && hour < 17;
        return [i * MIN5, daytime ? 20 + 6 * noise(i) : 10 + 0.5 * noise(i) + (shifted && hour === 3 ? 2 : 0)];
      });
    const values = [...[0, 1, 2, 3, 4, 5].flatMap((d) => day(d, false)), ...day(6, true)];
    const cfg: BaselineConfig = { ...config, seasonality: 'auto', historySize: 1000, minHistory: 30, sensitivity: 5 };
    let state: BaselineState | undefined;
    const matches = values.flatMap(([t, v], i) => {
      const r = stepBaseline(cfg, state, { id: `e${i}`, t, value: v });
      state = r.state;
      return r.signals.flatMap((x) => (x.type === 'match' ? [{ i, seasonal: x.seasonal }] : []));
    });
    const shiftedFrom = 6 * 288 + 3 * 12;
    // The days' noise, ordinary there, raises nothing once the profile is learnt.
    expect(matches.filter((m) => m.i >= 4 * 288 && m.i < shiftedFrom)).toEqual([]);
    // The night's shift does, judged against the night's spread (a unit well under the days').
    const first = matches.find((m) => m.i >= shiftedFrom);
    expect(first?.i).toBeLessThan(shiftedFrom + 12);
    expect(first?.seasonal?.expected).toBeCloseTo(10, 0);
    expect(first?.seasonal?.unit).toBeLessThan(0.5);
  });

  it('compares with the same hour of day under hour_of_day seasonality', () => {
    // Every day: 100 at 12:00, 10 otherwise. 100 at noon is normal; 100 at 03:00 is not.
    const cfg: BaselineConfig = { ...config, seasonality: 'hour_of_day', minHistory: 5, historySize: 20 };
    const values: [number, number][] = [];
    for (let d = 0; d < 10; d++)
      for (let h = 0; h < 24; h++) values.push([d * 24 * HOUR + h * HOUR, (h === 12 ? 100 : 10) + ((d + h) % 3) - 1]);
    values.push([10 * 24 * HOUR + 12 * HOUR, 100], [10 * 24 * HOUR + 15 * HOUR, 100]);
    const out = run(cfg, values);
    expect(out.at(-2)).toBe('-');
    expect(out.at(-1)).toMatch(/^match/);
    expect(run({ ...cfg, seasonality: 'none', historySize: 500 }, values).at(-2)).toMatch(/^match/);
  });

  it('bins by hour or ISO weekday in the business time zone', () => {
    const t = Date.UTC(2025, 0, 5, 23, 30); // Sunday 23:30 UTC = Monday 00:30 in Zurich
    expect(binOf(t, { seasonality: 'hour_of_day', timezone: 'Europe/Zurich' })).toBe('h0');
    expect(binOf(t, { seasonality: 'day_of_week', timezone: 'Europe/Zurich' })).toBe('d1');
    expect(binOf(t, { seasonality: 'day_of_week', timezone: 'UTC' })).toBe('d7');
    expect(binOf(t, { seasonality: 'none', timezone: 'UTC' })).toBe('all');
  });

  it('finds median and MAD by selection exactly as sorting does, for odd and even lengths, ties and negatives', () => {
    let x = 7;
    const rnd = () => (x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const sortedMedian = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      const m = s.length >> 1;
      return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
    };
    for (const n of [1, 2, 3, 10, 11, 500, 1001]) {
      const h = Array.from({ length: n }, () => Math.round((rnd() - 0.3) * 40) / 4);
      const median = sortedMedian(h);
      const mad = sortedMedian(h.map((v) => Math.abs(v - median)));
      const got = scoreValue(h, 0, 3.5);
      expect(got.median).toBe(median);
      if (mad > 0) expect(got.scale).toBeCloseTo(1.4826 * mad, 12);
      expect([got.historyMin, got.historyMax]).toEqual([Math.min(...h), Math.max(...h)]);
    }
  });

  it('slides its sorted copy along a history that grows and drops its oldest values, as sorting afresh would', () => {
    let x = 11;
    const rnd = () => (x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const history: number[] = [];
    const fresh = (from: number, to: number) => scoreRange(history.slice(from, to), 0, to - from, 5, 3.5);
    for (let i = 0; i < 3000; i++) {
      // Quantized values with ties and runs, as counters give.
      history.push(Math.round(rnd() * 20) / 4 + (i > 1500 && i < 1600 ? 10 : 0));
      if (history.length > 260) dropOldest(history, 10);
      const n = history.length;
      if (n < 20) continue;
      // The range a window statistic is judged on: its end lags the newest value, its start follows the cap.
      const [from, to] = [Math.max(0, n - 250), n - 3];
      const slid = scoreRange(history, from, to, 5, 3.5);
      expect(slid).toEqual(fresh(from, to));
    }
  });

  it(
    'recordMargin sets aside about 1 − 1/e of chance records in exponential noise, for short and long histories ' +
      'and for a mostly-zero counter',
    () => {
      // Given a new record, its excess over the old one is Exp(1) (memoryless): sample it beside each history.
      let seed = 42;
      const rnd = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return (seed + 0.5) / 2147483648;
      };
      const exp = () => -Math.log(rnd());
      // 95% zeros: the median is 0 and the tail is a twentieth of the history (half the history as the tail keeps
      // ~52%).
      const zeroInflated = () => (rnd() < 0.95 ? 0 : exp());
      for (const [n, sample] of [
        [36, exp],
        [1000, exp],
        [1000, zeroInflated],
      ] as const) {
        let kept = 0;
        const trials = 2000;
        for (let i = 0; i < trials; i++) {
          const h = Array.from({ length: n }, sample);
          const { median, historyMax, above } = scoreValue(h, 0, 3.5);
          if (exp() > recordMargin(above) * (historyMax - median)) kept++;
        }
        expect(kept / trials).toBeGreaterThan(0.33);
        expect(kept / trials).toBeLessThan(0.42);
      }
      expect(recordMargin(500)).toBeCloseTo(0.147, 3);
      expect(recordMargin(1)).toBe(1);
      expect(recordMargin(0)).toBe(1);
    },
  );

  it('counts the values above and below the median, the tails a record margin is learnt from', () => {
    const s = scoreValue([0, 0, 0, 0, 0, 0, 3, 5, 9, 0, 0], 1, 3.5);
    expect([s.median, s.above, s.below]).toEqual([0, 3, 0]);
    expect(scoreValue([1, 2, 3, 4, 5], 1, 3.5)).toMatchObject({ median: 3, above: 2, below: 2 });
  });

  it('floors the scale when most of the history is one value, so a change off a flat line counts', () => {
    expect(scoreValue(Array(20).fill(5), 5.1, 3.5).z).toBeGreaterThan(1000);
    const mostlyFlat = [...Array(15).fill(5), 6, 7, 4, 5, 8];
    const s = scoreValue(mostlyFlat, 5.5, 3.5);
    expect(s.scale).toBeGreaterThan(0);
    expect(s.z).toBeLessThan(3.5);
  });
});
