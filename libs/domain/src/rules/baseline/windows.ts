/**
 * The baseline rule's window statistics (meanWindow: the mean of the last k values; volatilityWindow: their mean
 * absolute change), derived from a bin's values rather than stored, and judged against the earlier windows.
 */
import { scoreRange } from './robust-statistics';
import type { BaselineConfig, BaselineScore } from './types';

/** Values a bin keeps beyond historySize so that its oldest judged window statistic can be derived. */
export function windowReach(config: BaselineConfig): number {
  return Math.max(
    config.meanWindow === null ? 0 : config.meanWindow - 1,
    config.volatilityWindow ?? 0,
    config.contextWindow ?? 0,
  );
}

/**
 * A bin's window statistics by position (NaN where a position has no full
 * window): the mean of the meanWindow values ending there, the mean absolute
 * change over the volatilityWindow values ending there. Derived from the
 * values, each with the same arithmetic as when its last value arrived, and
 * cached per history array — a batch's working state — so that each new
 * value costs one window, not the whole history.
 */
interface DerivedWindows {
  means: number[] | null;
  volatility: number[] | null;
}

const DERIVED = new WeakMap<number[], DerivedWindows>();

/** The derived windows of `history` (its last value included), built when not cached. */
export function derivedWindows(history: number[], config: BaselineConfig): DerivedWindows | null {
  if (config.meanWindow === null && config.volatilityWindow === null) return null;
  const cached = extendWindows(history, config);
  if (cached) return cached;
  const w: DerivedWindows = {
    means: config.meanWindow === null ? null : [],
    volatility: config.volatilityWindow === null ? null : [],
  };
  for (let j = 0; j < history.length; j++) {
    w.means?.push(windowMean(history, j, config.meanWindow!));
    w.volatility?.push(windowVolatility(history, j, config.volatilityWindow!));
  }
  DERIVED.set(history, w);
  return w;
}

/** The cached windows of `history` extended by its last value, or null (and forgotten) when they do not match it. */
export function extendWindows(history: number[], config: BaselineConfig): DerivedWindows | null {
  const w = DERIVED.get(history);
  if (!w) return null;
  const j = history.length - 1;
  const stale =
    (w.means !== null) !== (config.meanWindow !== null) ||
    (w.volatility !== null) !== (config.volatilityWindow !== null) ||
    (w.means ?? w.volatility)!.length !== j;
  if (stale) {
    DERIVED.delete(history);
    return null;
  }
  w.means?.push(windowMean(history, j, config.meanWindow!));
  w.volatility?.push(windowVolatility(history, j, config.volatilityWindow!));
  return w;
}

/** Mean of the k values ending at position j (the last one first, as it was summed on arrival), NaN before k − 1. */
function windowMean(h: readonly number[], j: number, k: number): number {
  if (j < k - 1) return NaN;
  let sum = h[j];
  for (let i = j - k + 1; i < j; i++) sum += h[i];
  return sum / k;
}

/** Mean absolute change over the v values ending at position j (v changes), NaN before v. */
function windowVolatility(h: readonly number[], j: number, v: number): number {
  if (j < v) return NaN;
  let sum = Math.abs(h[j] - h[j - 1]);
  for (let i = j - v + 1; i < j; i++) sum += Math.abs(h[i] - h[i - 1]);
  return sum / v;
}

/**
 * Scores the window statistic at position `at` of `series` (a bin's derived
 * means or volatility; `k` values wide) against those of the last
 * historySize positions before it whose windows do not overlap it (the
 * overlapping ones share its values). `first` is the first position with a
 * full window. Null until minHistory such windows.
 */
export function judgeWindow(
  series: readonly number[],
  at: number,
  k: number,
  first: number,
  config: BaselineConfig,
  of: 'mean' | 'volatility' | 'context',
): BaselineScore | null {
  const from = Math.max(first, at - config.historySize);
  const to = at - k + 1;
  if (to - from < config.minHistory) return null;
  return { ...scoreRange(series, from, to, series[at], config.sensitivity), of };
}
