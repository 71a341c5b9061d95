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
 * every value in its history (a new high or low) by a margin: the mean
 * excess of a chance record over the old one, as a fraction of the old
 * extreme's distance from the median, for an exponential tail with as many
 * values as lie beyond the median on that side (recordMargin; 0.15 for 1000
 * continuous values, 0.29 for 36).
 * Series that spike as a matter of course then alert only on a spike clearly
 * larger than any before. On the NAB corpus the new extremes halve false
 * alarms, and the margin removes more than two thirds of those left
 * (`npm run bench:nab`).
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
 * The window statistics are not stored: a bin keeps as many values beyond
 * historySize as its oldest judged window reaches back, and the means and
 * volatilities are derived from them (cached while a batch runs). With
 * seasonality auto and both windows a group's state is about 86 KB of JSON
 * instead of 157 KB (one NAB series).
 *
 * Seasonality `auto` (a daily profile, learnt): each group also keeps, per
 * 5-minute slot of the day (in the business's time zone), the slot's mean
 * on each of the last 7 days. A value's expectation is the median of those
 * day means over its slot and the two slots either side, from earlier days
 * (at least two of them), and their spread (1.4826 × MAD) is how much that
 * time of day usually varies. The residual (value − expectation) divided by
 * that spread (never less than half the residuals' overall robust σ) is a
 * second series, learnt like values: a quiet night and a noisy afternoon are
 * each judged by their own noise. When the residuals' spread is under half
 * the values' — the day's shape explains most of the variation — that
 * series (value, mean and volatility windows) is judged instead of the
 * values: a day that breaks its usual shape counts even inside the range,
 * and the usual daily swings do not. Otherwise the values are judged as
 * without seasonality. This is seasonal-naive decomposition with a robust
 * (median) profile (Hyndman & Athanasopoulos, "Forecasting: Principles and
 * Practice", 3rd ed., §3.4 and §5.2), chosen per group by the spread it
 * leaves, and a seasonal scale beside the seasonal level (the residual's
 * variance, too, depends on the time of day). On NAB
 * (`npm run bench:nab`) `auto` scored 67.2 where `none` scored 63.0; the
 * local scale took it to 70.9 and the extremes' margin to 75.05.
 *
 * (The NAB figures above are on the 28 series the corpus held first; those
 * below on all 58, standard profile at the rule's threshold.)
 *
 * With `contextWindow` = k, the distance of the last k values, as a
 * sequence, to the nearest earlier such sequence of the history is judged
 * against the earlier distances (above only: context.ts, which cites the
 * discord and KNN CAD sources). A sequence never seen before — a change of
 * frequency or rhythm, a day unlike the others — stands out even when every
 * value, mean and change is in range. On NAB it takes the rule from 63.1 to
 * 67.4 (sensitivity 6; realKnownCause 29 → 52.5); k = 24 scored 66.0, k = 96
 * 64.1. (The leave-one-category-out protocol of `npm run bench:nab` then
 * chose sensitivity 5.5 over 5, 6 and 7: the default.)
 *
 * The anomaly score of an event is x / (1 + x), x the largest of its
 * statistics' exceedance (see `exceedance`: |z| / sensitivity, and with
 * newExtremesOnly no more than the record excess in units of its margin):
 * in [0, 1), and over 0.5 exactly when a statistic is off its band. One
 * number per event, comparable across series because every statistic is in
 * units of its own band; the NAB benchmark writes it per row, so the
 * scorer's threshold optimisation means something (it lands on 0.5007).
 *
 * With `quietPeriod` = n, an alarm within n values of the previous value
 * that was off its band opens nothing (an open alarm goes on matching while
 * its values stay off): a refractory period after an alarm, as ARTime (M.
 * Hampton 2021, the best detector on the NAB scoreboard, 74.9) suppresses
 * detections after each one, in values so that it means the same at any
 * cadence. On NAB (sensitivity 6) 25, 35, 50, 75 and
 * 100 values scored 67.0, 67.2, 67.4, 67.6 and 66.0; the protocol chose 75
 * with sensitivity 5.5 (50: 67.8, 75: 67.9, 100: 66.3), the defaults.
 *
 * Tried on the whole corpus and left out (standard profile): the anomaly
 * likelihood of Ahmad et al. 2017 ("Unsupervised real-time anomaly
 * detection for streaming data", Neurocomputing 262: the tail probability
 * of the mean of the last 10 scores under the mean and σ of the last 1000)
 * as a gate on the score: 53.4 with ε = 1e-3, 46.9 with 1e-5 — it delays
 * and drops the first alarm of an anomaly, which NAB rewards most; records
 * judged against the extremes of the last 10 × historySize values instead
 * of historySize: 62.9 (low-FP 61.3, up from 58.8); a band that widens
 * with each alarm of the last historySize values: 60.2–60.5. Also left out
 * (defaults otherwise, 67.87 at the time): a record margin from a
 * generalized Pareto fit to the history's top 10% (peaks over threshold, as
 * SPOT does: Siffer et al. 2017, "Anomaly detection in streams with extreme
 * value theory", KDD; the tail's share after DuMouchel 1983, Ann. Stat. 11;
 * shape and scale by the method of moments, Hosking & Wallis 1987,
 * Technometrics 29), the margin being the fitted mean excess beyond the old
 * extreme — 63.3 with the shape kept ≥ 0, 64.8 with it free, 63.7 as the
 * larger of that and the exponential margin, 62.0 with the top 25%: it
 * trims realTweets' false alarms (70.5 → 72.0) but loses realAdExchange's
 * windows (66.0 → 42), records by less than the fitted mean excess, and
 * fitting only tails of 50 values or more changes none of that; an alarm
 * on-delay (alarm management's confirmation of an alarm by the next
 * values, ISA-18.2): 61.7 with two values off the band in a row, 59.8 with
 * three — single-value anomalies (realAdExchange 36, realTraffic 56) go
 * unseen; historySize 2000 or 3000: 62.2 and 65.2 (realKnownCause 31 and
 * 41: the band adapts too slowly); the
 * variance-stabilizing transform of counts (Anscombe 1948, Biometrika 35:
 * 2√(x + 3/8)), or log(1 + x), on every series of non-negative integers:
 * 65.9 and 64.0 (realTweets 65.2 and 66.5: its bursts shrink under their
 * margins more than its noise does); the statistics' exceedances combined
 * as their L2 or L4 norm instead of their maximum, so that several near
 * their bands add up: 67.7 and 67.8 (off a record most of them are 0);
 * a record margin from the runs above (below) the median instead of the
 * values, as extremes are declustered (Coles 2001, "An Introduction to
 * Statistical Modeling of Extreme Values", §5.3.2): 65.4 (realAdExchange
 * 52); sequences compared with their means removed: 67.55 (realKnownCause
 * 48.6) — though on long synthetic periodic signals with a wandering
 * baseline it halves the sequence statistic's alarms (a drifting level
 * makes raw sequences unlike any earlier one); a band with a scale per
 * side (the MAD of the values above the median for high values, of those
 * below for low ones: a "double MAD" for skewed data, after the adjusted
 * boxplot of Hubert & Vandervieren 2008, CSDA 52): 63.3, realTraffic 56.8.
 *
 * Cost per event: per statistic, a binary search and one array splice to
 * slide its sorted history and O(historySize / 2) steps for the MAD
 * (robust-statistics.ts), and up to historySize × contextWindow subtractions
 * for the nearest sequence (with early abandoning): about 23,000 events/s
 * on NAB with the defaults, one core. State:
 * the values (historySize plus the longest window), the residual series of
 * seasonality auto, the context distances and the daily profile's 288 × 7
 * slot means: 78 KB of JSON per group (median over NAB), 124 KB at most.
 *
 * Per event (in event-time order per group; values older than the group's
 * newest by more than `allowedLateness` are too late: reported, not
 * scored): a `match` while a statistic is off its band (outside a quiet
 * period, or while an alarm goes on), a `clear` when none is any more after
 * a match. A window statistic off its band only because its window still
 * holds the value that opened the alarm is an echo (echoSpan): no match,
 * and no clear while it lasts — a single spike is one match, and its alert
 * clears once the windows have moved past it. Events without a numeric
 * value are ignored.
 */
import { DateTime } from 'luxon';
import { daySlot, explainsShape, learnProfile, profileExpectation } from './daily-profile';
import { nearestWindowDistance } from './context';
import { dropOldest, scoreRange, scoreValue } from './robust-statistics';
import type { BaselineConfig, BaselineScore, BaselineSignal, BaselineState, Direction } from './types';
import { derivedWindows, extendWindows, judgeWindow, windowReach } from './windows';

/**
 * Scores one value against its group's history and then learns it. Updates
 * `state` in place and returns it (pass a state you own). Also returns the
 * value band's score when the bin had enough history, the event's anomaly
 * score in [0, 1) (null until then) and whether it fell in a quiet period
 * (an alarm there opens nothing; the NAB benchmark writes 0 for such rows).
 */
export function stepBaseline(
  config: BaselineConfig,
  state: BaselineState | undefined,
  e: { id: string; t: number; value: number | null; wt?: number },
): {
  state: BaselineState;
  signals: BaselineSignal[];
  score: BaselineScore | null;
  anomalyScore: number | null;
  quiet: boolean;
} {
  const s: BaselineState = state ?? { bins: {}, watermark: e.wt ?? e.t, holding: false };
  if (state && e.t < state.watermark - config.allowedLatenessMs)
    return { state, signals: [{ type: 'late', id: e.id }], score: null, anomalyScore: null, quiet: false };
  if (e.value === null || !Number.isFinite(e.value))
    return { state: s, signals: [], score: null, anomalyScore: null, quiet: false };
  s.watermark = Math.max(s.watermark, e.wt ?? e.t);
  delete s.means;
  delete s.volatility;
  const bin = binOf(e.t, config);
  const values = (s.bins[bin] ??= []);
  // The value band: judged without a daily shape, and its centre is what the shape is compared with.
  const valueScore =
    values.length >= config.minHistory
      ? scoreRange(values, Math.max(0, values.length - config.historySize), values.length, e.value, config.sensitivity)
      : null;
  // Each statistic's finding, in the order a match names the first off its band: value, mean, volatility, sequence.
  let seasonal: Finding[] | null = null;
  if (config.seasonality === 'auto') {
    const slot = daySlot(e.t, config.timezone);
    const profile = profileExpectation(s, slot);
    learnProfile(s, slot, e.value);
    if (profile !== null) {
      const residual = e.value - profile.expected;
      const spread = learnResidual(s, residual, config);
      if (spread && valueScore) {
        // In units of the slot's own spread (never under a fraction of the residuals' overall one).
        const unit = Math.max(profile.spread, RESIDUAL_UNIT_FLOOR * spread.scale);
        const explained = explainsShape(
          s.bins[RESIDUAL_BIN],
          spread.median,
          values,
          e.value,
          config.historySize,
          valueScore.median,
        );
        // Only the series that is judged is scored; the other one just learns.
        const standardized = judgeSeries(s, STANDARDIZED_BIN, residual / unit, config, explained);
        if (explained)
          seasonal = standardized.map((f) => ({
            ...f,
            score: { ...f.score, seasonal: { expected: profile.expected, unit } },
          }));
      }
    }
  }
  const plain = judgeSeries(s, bin, e.value, config, seasonal === null, valueScore);
  const findings = seasonal ?? plain;
  if (config.contextWindow !== null && bin === 'all') {
    const context = judgeContext(s, config);
    if (context) findings.push({ score: context, exceedance: exceedance(context, config, 'above') });
  }
  // An echo of the anomaly that opened the last alarm is not new evidence (see echoSpan): it matches nothing, but an
  // open alarm does not clear while one lasts, and it is off its band (the quiet period goes on).
  const anchor = s.anchor;
  if (anchor) anchor.age++;
  let strength = 0;
  let judged: BaselineScore | null = null;
  let echoing = false;
  for (const f of findings) {
    if (anchor && f.score.of !== anchor.of && anchor.age < echoSpan(f.score.of, config)) {
      echoing ||= f.exceedance > 1;
      continue;
    }
    if (f.exceedance > strength) strength = f.exceedance;
    if (judged === null && f.exceedance > 1) judged = f.score;
  }
  const outside = judged !== null;
  // The quiet period: an alarm within quietPeriod values of the last one (a match or not) opens nothing.
  const quiet = (s.quiet ?? 0) > 0;
  const alarm = outside && (s.holding || !quiet);
  if (config.quietPeriod > 0) {
    if (outside || echoing) s.quiet = config.quietPeriod;
    else if (quiet) s.quiet = s.quiet! - 1;
    if (s.quiet === 0) delete s.quiet;
  }
  if (alarm && !s.holding) s.anchor = { of: judged!.of, age: 0 };
  else if (anchor && anchor.age >= windowReach(config) + 1) delete s.anchor;
  // Null until the group's values have a band (minHistory): nothing was judged.
  const anomalyScore = valueScore === null ? null : strength / (1 + strength);
  const signals: BaselineSignal[] = [];
  if (alarm) signals.push({ type: 'match', ...judged!, anomalyScore: anomalyScore ?? 1 });
  else if (s.holding && !echoing) signals.push({ type: 'clear', value: e.value });
  s.holding = alarm || (s.holding && echoing);
  return { state: s, signals, score: valueScore, anomalyScore, quiet };
}

/**
 * Seasonality auto keeps its residuals (value units) and standardized residuals in these bins (no binOf name collides
 * with them).
 */
const RESIDUAL_BIN = '~residual';
const STANDARDIZED_BIN = '~standardized';

/**
 * A residual's unit is at least this fraction of the residuals' robust σ: a slot that never varied does not make every
 * change infinite.
 */
const RESIDUAL_UNIT_FLOOR = 0.5;

/**
 * newExtremesOnly: how far beyond the extreme of a history a value must be,
 * as a fraction of that extreme's distance from the median, given `m`: how
 * many of the history's values lie beyond the median on the extreme's side
 * (its tail). Records set by a hair are what noise does. For an exponential
 * tail (scale β) the tail values' excesses over the median are Exp(β)
 * (memorylessness), so the largest of m of them lies β·H_m beyond the median
 * on average, and the excess of the next record over it is Exp(β) again
 * (Arnold, Balakrishnan & Nagaraja 1998, "Records", ch. 2). The margin is
 * that mean excess, β estimated from the record: 1 / H_m, never over 1. It
 * sets aside about 63% (1 − 1/e) of chance records whatever the history
 * size, where a fixed fraction is too lax for a short history (records come
 * every few values) and too strict for a long one; lighter (Gaussian) tails
 * lose more. Counting the tail, not taking half the history, keeps that
 * true where many values sit at the median: a counter that is mostly 0, a
 * quantized reading. Harmonic number H_m ≈ ln m + γ + 1/(2m) − 1/(12m²).
 * 0.147 for a tail of 500 (1000 continuous values), 0.29 for 18. On NAB:
 * 70.9 → 75.05 standard, false-alarm rows 52 → 16, no window lost (a fixed
 * 0.1 gave 74.5 with 24 false-alarm rows, half the history as the tail 74.9
 * with 17; `npm run bench:nab`).
 */
export function recordMargin(m: number): number {
  if (m < 1) return 1;
  const harmonic = Math.log(m) + 0.5772156649015329 + 1 / (2 * m) - 1 / (12 * m * m);
  return 1 / Math.max(1, harmonic);
}

/**
 * Judges `x` on one series (a seasonal bin of values, or the residuals):
 * the value band over its last historySize values, then the mean and
 * volatility windows when configured, and learns it. Returns a finding per
 * statistic that could be judged, in that order (`valueScore` is the value
 * band's score when the caller already has it). With `judge` false nothing
 * is scored (the bands cost O(history) each), only learnt; what it returns
 * then is not to be used.
 */
function judgeSeries(
  s: BaselineState,
  bin: string,
  x: number,
  config: BaselineConfig,
  judge = true,
  valueScore?: BaselineScore | null,
): Finding[] {
  const history = (s.bins[bin] ??= []);
  const n = history.length;
  const score =
    valueScore !== undefined
      ? valueScore
      : judge && n >= config.minHistory
        ? scoreRange(history, Math.max(0, n - config.historySize), n, x, config.sensitivity)
        : null;
  const findings: Finding[] = [];
  if (judge && score !== null) findings.push({ score, exceedance: exceedance(score, config, config.direction) });
  history.push(x);
  // Window statistics, each judged like values against the earlier windows that do not overlap it.
  const windows = judge ? derivedWindows(history, config) : extendWindows(history, config);
  const k = config.meanWindow;
  if (windows?.means && n >= k! - 1) {
    const m = judgeWindow(windows.means, n, k!, k! - 1, config, 'mean');
    if (m) findings.push({ score: m, exceedance: exceedance(m, config, config.direction) });
  }
  const v = config.volatilityWindow;
  if (windows?.volatility && n >= v!) {
    const m = judgeWindow(windows.volatility, n, v!, v!, config, 'volatility');
    if (m) findings.push({ score: m, exceedance: exceedance(m, config, 'both') });
  }
  const cap = config.historySize + windowReach(config);
  if (history.length > cap) {
    const drop = history.length - cap;
    for (const a of [history, windows?.means, windows?.volatility]) if (a) dropOldest(a, drop);
  }
  return findings;
}

/** One statistic of an event: its score and how far beyond its band it is (exceedance: off the band above 1). */
interface Finding {
  score: BaselineScore;
  exceedance: number;
}

/**
 * How many values, the newest included, a statistic of kind `of` is computed from. While the value that opened an
 * alarm is among them, another kind of statistic off its band only echoes that anomaly (a spike moves the mean, the
 * volatility and the sequence of every window that holds it): the event is no match (the alert's count stays that of
 * the values that were anomalous), but the alarm does not clear until the echo has passed, and the quiet period after
 * it runs from the last value off its band, echo or not.
 * The statistic that opened the alarm goes on counting, and so does any other once its window has moved past that
 * value.
 */
function echoSpan(of: BaselineScore['of'], config: BaselineConfig): number {
  if (of === 'mean') return config.meanWindow ?? 0;
  if (of === 'volatility') return (config.volatilityWindow ?? 0) + 1;
  if (of === 'context') return config.contextWindow ?? 0;
  return 1;
}

/** The bin of the contextual statistic's distances (see context.ts). */
const CONTEXT_BIN = '~context';

/**
 * The contextual statistic (context.ts) of the newest value of the `all` bin: its window's distance to the nearest
 * earlier one, judged against the earlier distances whose windows do not overlap it, then remembered. Null until
 * there are minHistory of those.
 */
function judgeContext(s: BaselineState, config: BaselineConfig): BaselineScore | null {
  const w = config.contextWindow!;
  const d = nearestWindowDistance(s.bins.all, w, config.historySize);
  if (!Number.isFinite(d)) return null;
  const distances = (s.bins[CONTEXT_BIN] ??= []);
  distances.push(d);
  if (distances.length > config.historySize + w) dropOldest(distances, distances.length - config.historySize - w);
  return judgeWindow(distances, distances.length - 1, w, 0, config, 'context');
}

/**
 * Remembers a residual of seasonality auto (value units) and returns the
 * band the residuals had before it (median and robust σ), null until
 * minHistory residuals: what explainsShape and the residual unit's floor use.
 */
function learnResidual(s: BaselineState, residual: number, config: BaselineConfig): BaselineScore | null {
  const history = (s.bins[RESIDUAL_BIN] ??= []);
  const score = history.length >= config.minHistory ? scoreValue(history, residual, config.sensitivity) : null;
  history.push(residual);
  if (history.length > config.historySize) dropOldest(history, history.length - config.historySize);
  return score;
}

/**
 * How far a score is beyond its band, continuously: |z| / sensitivity on the `direction` side (0 on the other), and
 * with newExtremesOnly the smaller of that and the record excess in units of recordMargin (beyond the old extreme by
 * exactly the margin: 1). A statistic is off its band when this is above 1.
 */
export function exceedance(score: BaselineScore, config: BaselineConfig, direction: Direction): number {
  const up = score.z > 0;
  if ((direction === 'above' && !up) || (direction === 'below' && up)) return 0;
  const band = Math.abs(score.z) / config.sensitivity;
  if (!config.newExtremesOnly) return band;
  const { value, median, historyMin, historyMax } = score;
  const reach = up ? historyMax - median : median - historyMin;
  const excess = up ? value - historyMax : historyMin - value;
  const record =
    reach > 0 ? excess / (recordMargin(up ? score.above : score.below) * reach) : excess > 0 ? Infinity : 0;
  return Math.max(0, Math.min(band, record));
}

/** Seasonal bin of event time `t` (epoch ms): `all`, `h0`…`h23` or `d1`…`d7` (ISO weekday) in the config's zone. */
export function binOf(t: number, config: Pick<BaselineConfig, 'seasonality' | 'timezone'>): string {
  if (config.seasonality === 'none' || config.seasonality === 'auto') return 'all';
  const dt = DateTime.fromMillis(t, { zone: config.timezone });
  return config.seasonality === 'hour_of_day' ? `h${dt.hour}` : `d${dt.weekday}`;
}
