import { DateTime } from 'luxon';

/**
 * `baseline` rules: a value is anomalous when it leaves the band learned from
 * its group's recent history.
 *
 * Method (the Hampel identifier, streaming): the band is
 * `median ± sensitivity × 1.4826 × MAD` of the group's last `historySize`
 * values — the median absolute deviation scaled to estimate σ for normal
 * data, so `sensitivity` reads as a robust z-score. Median and MAD ignore up
 * to half of the history being anomalous, so past anomalies barely move the
 * band (Hampel 1974, "The influence curve and its role in robust
 * estimation", JASA 69; Leys et al. 2013, "Detecting outliers: do not use
 * standard deviation around the mean, use absolute deviation around the
 * median", JESP 49, who recommend 2.5–3.5). It learns continuously: every
 * value joins the history after it is scored, so a lasting level shift
 * becomes the new normal once it fills half the history. No offline
 * training: a group is scored once it has `minHistory` values.
 *
 * Seasonality: with `hour_of_day` or `day_of_week` (in the business's time
 * zone) each hour or weekday keeps its own history, so a value is compared
 * with the same time of day or week.
 *
 * Scale floor: when more than half the history is one value (MAD = 0) the
 * mean absolute deviation around the median × 1.2533 (its σ-consistency
 * factor) is used; for a perfectly flat history, 1e-6 × max(1, |median|), so
 * any change off a flat line counts.
 *
 * With `newExtremesOnly`, a value outside the band also has to be beyond
 * every value in its history (a new high or low): series that spike as a
 * matter of course then alert only on a spike larger than any before. On the
 * NAB corpus this halves false alarms (`npm run bench:nab`).
 *
 * With `meanWindow` = k, the mean of the last k values (this one included)
 * is also judged, by the same rule, against the history of such means that
 * do not overlap it: a level shift or a slow drift that stays inside the
 * range of single values moves the mean out of its band (the averaging
 * divides the noise by about √k). This is the windowed-mean statistic of
 * change-point monitoring (Basseville & Nikiforov 1993, "Detection of
 * Abrupt Changes", ch. 2), judged with the robust band above. On the NAB
 * corpus, k = 12 with sensitivity 6 scores 61.1 (standard profile) where
 * values alone scored 57.0 at their best sensitivity, 4 (`npm run bench:nab`).
 *
 * With `volatilityWindow` = k, the mean absolute change between consecutive
 * values over the last k values is judged the same way, on both sides
 * whatever `direction` says: noise or spikes that grow denser (or a signal
 * that goes quiet) while each value stays in range. Mean absolute successive
 * differences are a robust measure of short-term variability (von Neumann et
 * al. 1941, "The mean square successive difference", Ann. Math. Stat. 12).
 * On NAB, adding volatilityWindow 24 to the rule above scores 63.0.
 *
 * Per event (in event-time order per group; values older than the group's
 * newest by more than `allowedLateness` are too late: reported, not
 * scored): a `match` while the value is outside the band, a `clear` when it
 * is back inside after a match. Events without a numeric value are ignored.
 */

export const SEASONALITIES = ['none', 'hour_of_day', 'day_of_week'] as const;
export type Seasonality = (typeof SEASONALITIES)[number];
export const DIRECTIONS = ['both', 'above', 'below'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export interface BaselineConfig {
  /** Robust z-score beyond which a value is anomalous (default 3.5). */
  sensitivity: number;
  direction: Direction;
  seasonality: Seasonality;
  /** IANA zone of seasonal bins. */
  timezone: string;
  /** Values remembered per group (per seasonal bin). */
  historySize: number;
  /** Values a group (bin) needs before it is scored. */
  minHistory: number;
  /** Only values beyond every value of the history count (see above). */
  newExtremesOnly: boolean;
  /** Also judge the mean of the last `meanWindow` values (null: not judged). */
  meanWindow: number | null;
  /** Also judge the mean absolute change over the last `volatilityWindow` values (null: not judged). */
  volatilityWindow: number | null;
  allowedLatenessMs: number;
}

export interface BaselineState {
  /** History per seasonal bin (`all` without seasonality), oldest first. */
  bins: Record<string, number[]>;
  /** With meanWindow: per bin, the means of the last meanWindow values after each value, oldest first. */
  means?: Record<string, number[]>;
  /** With volatilityWindow: per bin, the mean absolute change over the last volatilityWindow values after each value. */
  volatility?: Record<string, number[]>;
  watermark: number;
  /** Whether the previous value was outside the band. */
  holding: boolean;
}

/** How far a value (or, with `meanWindow`, the window's mean) is from its band. */
export interface BaselineScore {
  /** What was judged: the value, the mean of the last `meanWindow` values, or their volatility. */
  of: 'value' | 'mean' | 'volatility';
  value: number;
  median: number;
  /** Robust σ: 1.4826 × MAD (or the floor above). */
  scale: number;
  /** (value − median) / scale. */
  z: number;
  low: number;
  high: number;
  /** Smallest and largest value of the history the value was judged against. */
  historyMin: number;
  historyMax: number;
}

export type BaselineSignal = ({ type: 'match' } & BaselineScore) | { type: 'clear'; value: number } | { type: 'late'; id: string };

export const DEFAULT_SENSITIVITY = 3.5;
export const DEFAULT_HISTORY = 500;
export const DEFAULT_MIN_HISTORY = 30;

/**
 * Scores one value against its group's history and then learns it. Updates
 * `state` in place and returns it (pass a state you own). Also returns the
 * score, when the bin had enough history, for callers that want it (the NAB
 * benchmark).
 */
export function stepBaseline(config: BaselineConfig, state: BaselineState | undefined, e: { id: string; t: number; value: number | null }): { state: BaselineState; signals: BaselineSignal[]; score: BaselineScore | null } {
  const s: BaselineState = state ?? { bins: {}, watermark: e.t, holding: false };
  if (state && e.t < state.watermark - config.allowedLatenessMs) return { state, signals: [{ type: 'late', id: e.id }], score: null };
  if (e.value === null || !Number.isFinite(e.value)) return { state: s, signals: [], score: null };
  s.watermark = Math.max(s.watermark, e.t);
  const bin = binOf(e.t, config);
  const history = (s.bins[bin] ??= []);
  const score = history.length >= config.minHistory ? scoreValue(history, e.value, config.sensitivity) : null;
  let outside = score !== null && isOff(score, config, config.direction);
  let judged = score;
  // Derived series, each judged like values against its own earlier, non-overlapping windows.
  const k = config.meanWindow;
  if (k !== null && history.length >= k - 1) {
    let sum = e.value;
    for (let i = history.length - k + 1; i < history.length; i++) sum += history[i];
    const m = judgeWindow(s, 'means', bin, k, sum / k, config);
    if (!outside && m && isOff(m, config, config.direction)) [outside, judged] = [true, m];
  }
  const v = config.volatilityWindow;
  if (v !== null && history.length >= v) {
    let sum = Math.abs(e.value - history[history.length - 1]);
    for (let i = history.length - v + 1; i < history.length; i++) sum += Math.abs(history[i] - history[i - 1]);
    const m = judgeWindow(s, 'volatility', bin, v, sum / v, config);
    if (!outside && m && isOff(m, config, 'both')) [outside, judged] = [true, m];
  }
  history.push(e.value);
  if (history.length > config.historySize) history.splice(0, history.length - config.historySize);
  const signals: BaselineSignal[] = [];
  if (outside) signals.push({ type: 'match', ...judged! });
  else if (s.holding) signals.push({ type: 'clear', value: e.value });
  s.holding = outside;
  return { state: s, signals, score };
}

/** Whether a score is off its band: beyond the sensitivity on the `direction` side, and a new extreme when the config asks. */
function isOff(score: BaselineScore, config: BaselineConfig, direction: Direction): boolean {
  return isOutside(score.z, config.sensitivity, direction) && (!config.newExtremesOnly || score.value > score.historyMax || score.value < score.historyMin);
}

/**
 * Scores `x`, the statistic of the window of the last `k` values, against the
 * earlier windows' statistics that do not overlap it (the overlapping ones
 * share its values), then remembers it. Null until minHistory such windows.
 */
function judgeWindow(s: BaselineState, series: 'means' | 'volatility', bin: string, k: number, x: number, config: BaselineConfig): BaselineScore | null {
  const past = ((s[series] ??= {})[bin] ??= []);
  const earlier = past.slice(0, Math.max(0, past.length - (k - 1)));
  const score = earlier.length >= config.minHistory ? { ...scoreValue(earlier, x, config.sensitivity), of: series === 'means' ? ('mean' as const) : ('volatility' as const) } : null;
  past.push(x);
  if (past.length > config.historySize) past.splice(0, past.length - config.historySize);
  return score;
}

/** The band of `history` (not changed) and where `value` falls in it. */
export function scoreValue(history: readonly number[], value: number, sensitivity: number): BaselineScore {
  const sorted = [...history].sort((a, b) => a - b);
  const median = medianOfSorted(sorted);
  const deviations = sorted.map((v) => Math.abs(v - median)).sort((a, b) => a - b);
  let scale = 1.4826 * medianOfSorted(deviations);
  if (scale === 0) scale = (1.2533 * deviations.reduce((a, b) => a + b, 0)) / deviations.length;
  if (scale === 0) scale = 1e-6 * Math.max(1, Math.abs(median));
  const z = (value - median) / scale;
  return { of: 'value', value, median, scale, z, low: median - sensitivity * scale, high: median + sensitivity * scale, historyMin: sorted[0], historyMax: sorted[sorted.length - 1] };
}

function isOutside(z: number, sensitivity: number, direction: Direction): boolean {
  if (direction === 'above') return z > sensitivity;
  if (direction === 'below') return z < -sensitivity;
  return Math.abs(z) > sensitivity;
}

function medianOfSorted(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Seasonal bin of event time `t` (epoch ms): `all`, `h0`…`h23` or `d1`…`d7` (ISO weekday) in the config's zone. */
export function binOf(t: number, config: Pick<BaselineConfig, 'seasonality' | 'timezone'>): string {
  if (config.seasonality === 'none') return 'all';
  const dt = DateTime.fromMillis(t, { zone: config.timezone });
  return config.seasonality === 'hour_of_day' ? `h${dt.hour}` : `d${dt.weekday}`;
}
