/**
 * Each statistic of the baseline model on the synthetic series it exists for: a spike, a level shift, a change of
 * variance, a change of frequency, a flat line, a break of the daily pattern. Every test runs the model twice — with
 * the statistic and with it switched off (the rest as configured) — and asserts that the anomaly is found early with
 * it and not without it, so removing the statistic fails the test. Then the anomaly score and the quiet period.
 */
import { BASELINE_DEFAULTS, type BaselineConfig, type BaselineSignal, type BaselineState } from './types';
import { stepBaseline } from './model';
import { nearestWindowDistance } from './context';

const MIN5 = 5 * 60_000;

/** The band alone: no window statistic, no seasonality, no record margin, no quiet period. */
const BAND: BaselineConfig = {
  sensitivity: 5,
  direction: 'both',
  seasonality: 'none',
  timezone: 'UTC',
  historySize: 500,
  minHistory: 30,
  newExtremesOnly: false,
  meanWindow: null,
  volatilityWindow: null,
  contextWindow: null,
  quietPeriod: 0,
  allowedLatenessMs: 0,
};

/** Standard normal draws from a seeded generator (Box–Muller over a 31-bit LCG): the same series on every run. */
function gaussian(seed: number): () => number {
  let x = seed;
  const uniform = () => ((x = (x * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

interface Alarm {
  i: number;
  of: string;
  score: number;
}

/** Runs `values` (one per 5 minutes) through one group; every signal, with the index of the value that gave it. */
function signalsOf(config: BaselineConfig, values: readonly number[]): { i: number; signal: BaselineSignal }[] {
  let state: BaselineState | undefined;
  const out: { i: number; signal: BaselineSignal }[] = [];
  values.forEach((value, i) => {
    const r = stepBaseline(config, state, { id: `e${i}`, t: i * MIN5, value });
    state = r.state;
    for (const signal of r.signals) out.push({ i, signal });
  });
  return out;
}

/** The alarms (matches) of `values` run through one group, with what was judged. */
function alarms(config: BaselineConfig, values: readonly number[]): Alarm[] {
  return signalsOf(config, values).flatMap(({ i, signal: s }) =>
    s.type === 'match' ? [{ i, of: s.of, score: s.anomalyScore }] : [],
  );
}

/** The first alarm at or after `from`, if it is before `until`. */
const firstIn = (a: Alarm[], from: number, until: number) => a.find((x) => x.i >= from && x.i < until);

describe('baseline statistics on synthetic series, each needed for its anomaly', () => {
  const noise = gaussian(1);
  const quiet = Array.from({ length: 600 }, () => 10 + noise());

  it('a spike: the value band', () => {
    const values = [...quiet.slice(0, 400), 30, ...quiet.slice(400, 450)];
    const found = alarms(BAND, values);
    expect(found).toEqual([{ i: 400, of: 'value', score: expect.any(Number) }]);
    // Within the noise (±4σ at most over 450 values), nothing else.
    expect(alarms(BAND, quiet.slice(0, 450))).toEqual([]);
  });

  it('a level shift inside the range of single values: the mean window', () => {
    // +2σ from value 400 on: single values stay inside a 5σ band; the mean of 12 moves about 7 of its own σ.
    const values = quiet.map((v, i) => (i >= 400 ? v + 2 : v));
    const withMean = alarms({ ...BAND, meanWindow: 12 }, values);
    expect(firstIn(withMean, 400, 420)).toMatchObject({ of: 'mean' });
    expect(withMean.filter((a) => a.i < 400)).toEqual([]);
    expect(firstIn(alarms(BAND, values), 400, 420)).toBeUndefined();
  });

  // A growing variance soon sends single values out of the band too; a shrinking one never does. Sensitivity 4: the
  // mean absolute change over 48 values moves about 5 of its robust σ when σ falls to a quarter.
  const calmer: BaselineConfig = { ...BAND, sensitivity: 4 };

  it('a change of variance inside the usual range: the volatility window', () => {
    const values = quiet.map((v, i) => (i >= 400 ? 10 + (v - 10) * 0.25 : v));
    const withVolatility = alarms({ ...calmer, volatilityWindow: 48 }, values);
    expect(firstIn(withVolatility, 400, 460)).toMatchObject({ of: 'volatility' });
    // Once its history is full (the first windows judge each other on a few values): nothing before the change.
    expect(withVolatility.filter((a) => a.i >= 200 && a.i < 400)).toEqual([]);
    expect(firstIn(alarms(calmer, values), 400, 600)).toBeUndefined();
  });

  it('a flat line inside the usual range: the volatility window, on its low side', () => {
    const values = quiet.map((v, i) => (i >= 400 ? 10 : v));
    const withVolatility = alarms({ ...calmer, volatilityWindow: 48 }, values);
    expect(firstIn(withVolatility, 400, 460)).toMatchObject({ of: 'volatility' });
    expect(firstIn(alarms(calmer, values), 400, 600)).toBeUndefined();
  });

  it('a change of frequency inside the usual range: the context window', () => {
    // A triangle wave 0..10 with a period of 20 values becomes one of period 10 followed by a pause at 0: every value
    // is one the wave always took; the sequence is new.
    const slow = (i: number) => {
      const p = i % 20;
      return p < 10 ? p : 20 - p;
    };
    const fast = (i: number) => {
      const p = i % 20;
      return p < 5 ? 2 * p : p < 10 ? 20 - 2 * p : 0;
    };
    const jitter = gaussian(2);
    const values = Array.from({ length: 700 }, (_, i) => (i < 500 ? slow(i) : fast(i)) + 0.05 * jitter());
    const withContext = alarms({ ...BAND, contextWindow: 24 }, values);
    expect(firstIn(withContext, 500, 540)).toMatchObject({ of: 'context' });
    expect(withContext.filter((a) => a.i < 500)).toEqual([]);
    expect(firstIn(alarms(BAND, values), 500, 700)).toBeUndefined();
  });

  it('a day that breaks its usual shape inside the usual range: seasonality auto', () => {
    // Five-minute values: 20 from 08:00 to 17:00, 10 otherwise. On day 5, 12:00-13:00 reads 10.
    const shape = gaussian(3);
    const values = Array.from({ length: 6 * 288 }, (_, i) => {
      const hour = Math.floor((i % 288) / 12);
      const broken = i >= 5 * 288 + 12 * 12 && i < 5 * 288 + 13 * 12;
      return (hour >= 8 && hour < 17 && !broken ? 20 : 10) + 0.3 * shape();
    });
    const cfg: BaselineConfig = { ...BAND, historySize: 1000 };
    const breakAt = 5 * 288 + 12 * 12;
    const auto = alarms({ ...cfg, seasonality: 'auto' }, values);
    expect(firstIn(auto, breakAt, breakAt + 6)).toBeDefined();
    expect(auto.filter((a) => a.i >= 3 * 288 && a.i < breakAt)).toEqual([]);
    expect(firstIn(alarms(cfg, values), breakAt, breakAt + 12)).toBeUndefined();
  });
});

describe('baseline anomaly score and quiet period', () => {
  const noise = gaussian(4);
  const quiet = Array.from({ length: 700 }, () => 10 + noise());

  it('scores every judged value in [0, 1); a match is exactly a score over 0.5; a larger spike scores higher', () => {
    let state: BaselineState | undefined;
    const scores: number[] = [];
    const spikes = new Map([
      [400, 20],
      [500, 40],
    ]);
    quiet.forEach((v, i) => {
      const r = stepBaseline(BAND, state, { id: `e${i}`, t: i * MIN5, value: spikes.get(i) ?? v });
      state = r.state;
      if (r.anomalyScore === null) return;
      scores.push(r.anomalyScore);
      expect(r.anomalyScore).toBeGreaterThanOrEqual(0);
      expect(r.anomalyScore).toBeLessThan(1);
      expect(r.signals.some((s) => s.type === 'match')).toBe(r.anomalyScore > 0.5);
    });
    expect(scores).toHaveLength(700 - BAND.minHistory);
    const at = (i: number) => scores[i - BAND.minHistory];
    expect(at(400)).toBeGreaterThan(0.5);
    expect(at(500)).toBeGreaterThan(at(400));
    expect(at(399)).toBeLessThan(0.5);
  });

  it('a second anomaly within quietPeriod values of the first opens nothing; after it, it does', () => {
    const spikesAt = (gap: number) => quiet.map((v, i) => (i === 400 || i === 400 + gap ? 40 + i / 100 : v));
    const cfg: BaselineConfig = { ...BAND, quietPeriod: 50 };
    expect(alarms(cfg, spikesAt(30)).map((a) => a.i)).toEqual([400]);
    expect(alarms(cfg, spikesAt(60)).map((a) => a.i)).toEqual([400, 460]);
    // Without a quiet period both open.
    expect(alarms(BAND, spikesAt(30)).map((a) => a.i)).toEqual([400, 430]);
  });

  it('an anomaly that goes on keeps matching through the quiet period (its alert stays open)', () => {
    const values = quiet.map((v, i) => (i >= 400 && i < 405 ? 40 : v));
    expect(alarms({ ...BAND, quietPeriod: 50 }, values).map((a) => a.i)).toEqual([400, 401, 402, 403, 404]);
  });

  it('a single spike matches once: the windows that still hold it echo it, and the alert clears once they pass', () => {
    const cfg: BaselineConfig = { ...BAND, meanWindow: 12, volatilityWindow: 24, contextWindow: 48, quietPeriod: 50 };
    const values = quiet.map((v, i) => (i === 400 ? 40 : v));
    const signals = signalsOf(cfg, values);
    expect(signals.filter((s) => s.signal.type === 'match').map((s) => s.i)).toEqual([400]);
    // The sequence window holds the spike longest: 48 values.
    const clear = signals.find((s) => s.signal.type === 'clear')!;
    expect(clear.i).toBeGreaterThan(400);
    expect(clear.i).toBeLessThanOrEqual(448);
    // A level shift that follows the spike is new evidence once the mean window has moved past the spike.
    const shifted = values.map((v, i) => (i > 400 ? v + 3 : v));
    const found = alarms(cfg, shifted);
    expect(found[0]).toMatchObject({ i: 400, of: 'value' });
    expect(firstIn(found, 412, 430)).toMatchObject({ of: 'mean' });
  });

  it('the defaults keep a bounded state: under 160 KB of JSON per group once every history is full', () => {
    const cfg: BaselineConfig = {
      ...BAND,
      ...BASELINE_DEFAULTS,
      direction: 'both',
      timezone: 'UTC',
      allowedLatenessMs: 0,
    };
    const g = gaussian(5);
    let state: BaselineState | undefined;
    // 3,000 five-minute values: ten days, past the daily profile's seven and the 1,000 values of history.
    for (let i = 0; i < 3_000; i++)
      state = stepBaseline(cfg, state, {
        id: `e${i}`,
        t: i * MIN5,
        value: 10 + 5 * Math.sin((2 * Math.PI * i) / 288) + g(),
      }).state;
    const bytes = Buffer.byteLength(JSON.stringify(state));
    expect(bytes).toBeLessThan(160_000);
    expect(state!.bins.all.length).toBeLessThanOrEqual(cfg.historySize + 48);
  });
});

describe('nearestWindowDistance', () => {
  it('is the Euclidean distance of the newest window to the closest earlier one that does not overlap it', () => {
    // Windows of 3: the newest [1, 2, 3]; earlier non-overlapping ones end at index ≤ 5 − 3 = 2... here [0, 1, 2].
    expect(nearestWindowDistance([0, 1, 2, 9, 1, 2, 3], 3, 100)).toBeCloseTo(Math.sqrt(3), 12);
    // A repeat of an earlier window is at distance 0.
    expect(nearestWindowDistance([5, 1, 2, 3, 7, 1, 2, 3], 3, 100)).toBe(0);
    // No earlier window that does not overlap: NaN.
    expect(nearestWindowDistance([1, 2, 3, 4, 5], 3, 100)).toBeNaN();
  });

  it('looks back over `pool` windows only', () => {
    const h = [1, 2, 3, ...Array(20).fill(50), 1, 2, 3];
    expect(nearestWindowDistance(h, 3, 100)).toBe(0);
    expect(nearestWindowDistance(h, 3, 5)).toBeGreaterThan(50);
  });
});
