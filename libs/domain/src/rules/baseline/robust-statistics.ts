/**
 * Robust statistics of the baseline rule: the Hampel band of a history (median ± sensitivity × 1.4826 × MAD, with
 * its scale floors), medians by selection, and which side of the band a z-score is on.
 */
import type { BaselineScore, Direction } from './types';

/** The band of the first `count` values of `history` (all by default; not changed) and where `value` falls in it. */
export function scoreValue(
  history: readonly number[],
  value: number,
  sensitivity: number,
  count = history.length,
): BaselineScore {
  return scoreRange(history, 0, count, value, sensitivity);
}

/** The band of `history[from..to)` (not changed) and where `value` falls in it. */
export function scoreRange(
  history: readonly number[],
  from: number,
  to: number,
  value: number,
  sensitivity: number,
): BaselineScore {
  // Medians by selection (O(n)) on one scratch copy, not by sorting: this runs per event and band.
  const n = to - from;
  const buf = new Float64Array(n);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = history[from + i];
    buf[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const median = medianInPlace(buf);
  let sum = 0;
  let above = 0;
  let below = 0;
  for (let i = 0; i < n; i++) {
    const x = history[from + i];
    if (x > median) above++;
    else if (x < median) below++;
    buf[i] = Math.abs(x - median);
    sum += buf[i];
  }
  let scale = 1.4826 * medianInPlace(buf);
  if (scale === 0) scale = (1.2533 * sum) / n;
  if (scale === 0) scale = 1e-6 * Math.max(1, Math.abs(median));
  const z = (value - median) / scale;
  return {
    of: 'value',
    value,
    median,
    scale,
    z,
    low: median - sensitivity * scale,
    high: median + sensitivity * scale,
    historyMin: min,
    historyMax: max,
    above,
    below,
  };
}

/**
 * Median of `a` (reordered in place) by Hoare's selection (Hoare 1961,
 * "Algorithm 65: Find", CACM 4): the mean of the two middle values for an
 * even length, as medianOfSorted. NaN when empty.
 */
function medianInPlace(a: Float64Array): number {
  const n = a.length;
  if (n === 0) return NaN;
  const k = n >> 1;
  select(a, k);
  if (n % 2 === 1) return a[k];
  // After selecting k, a[0..k) holds the k smallest: the other middle value is their largest.
  let lower = -Infinity;
  for (let i = 0; i < k; i++) if (a[i] > lower) lower = a[i];
  return (lower + a[k]) / 2;
}

/** Reorders `a` so that a[k] is its k-th smallest, smaller-or-equal values before it and larger-or-equal after. */
function select(a: Float64Array, k: number): void {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

export function isOutside(z: number, sensitivity: number, direction: Direction): boolean {
  if (direction === 'above') return z > sensitivity;
  if (direction === 'below') return z < -sensitivity;
  return Math.abs(z) > sensitivity;
}

export function medianOfSorted(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function meanAbsoluteDeviation(xs: readonly number[], median: number): number {
  let sum = 0;
  for (const x of xs) sum += Math.abs(x - median);
  return sum / xs.length;
}
