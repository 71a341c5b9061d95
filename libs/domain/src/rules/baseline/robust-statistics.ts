/**
 * Robust statistics of the baseline rule: the Hampel band of a history (median ± sensitivity × 1.4826 × MAD, with
 * its scale floors) from a sorted copy slid along the history, and the median and mean deviation of small samples.
 */
import type { BaselineScore } from './types';

/** The band of the first `count` values of `history` (all by default; not changed) and where `value` falls in it. */
export function scoreValue(
  history: readonly number[],
  value: number,
  sensitivity: number,
  count = history.length,
): BaselineScore {
  return scoreRange(history, 0, count, value, sensitivity);
}

/**
 * The band of `history[from..to)` (not changed) and where `value` falls in it.
 *
 * The first time an array is scored (a state just loaded: one event per
 * group and batch is the usual case live), by selection on a copy (O(n),
 * Hoare's quickselect, twice). From the second time on (a batch or a
 * backtest holding many events of the group), from a sorted copy of the
 * range kept beside the array (SortedRange) and slid as the range moves: a
 * history gains one value per event and its range moves by one, so the copy
 * is updated by a binary search and a splice per value that enters or
 * leaves; the median is read off, and the MAD is the (n/2)-th smallest
 * distance from it, found by walking outwards from the median (O(n/2)).
 * Both give the same numbers: the mean of the two middle values for an even
 * count, and the scale floor summed in the history's order.
 */
export function scoreRange(
  history: readonly number[],
  from: number,
  to: number,
  value: number,
  sensitivity: number,
): BaselineScore {
  if (!SORTED.has(history)) {
    SORTED.set(history, null);
    return bySelection(history, from, to, value, sensitivity);
  }
  const sorted = sortedRange(history, from, to);
  const n = sorted.length;
  const k = n >> 1;
  const median = n % 2 === 1 ? sorted[k] : (sorted[k - 1] + sorted[k]) / 2;
  const below = lowerBound(sorted, median);
  const above = n - upperBound(sorted, median);
  const mad = medianDeviation(sorted, median, below);
  return band(history, from, to, value, sensitivity, median, mad, sorted[0], sorted[n - 1], above, below);
}

/** scoreRange by selection on a copy of the range. */
function bySelection(
  history: readonly number[],
  from: number,
  to: number,
  value: number,
  sensitivity: number,
): BaselineScore {
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
  let above = 0;
  let below = 0;
  for (let i = 0; i < n; i++) {
    const x = history[from + i];
    if (x > median) above++;
    else if (x < median) below++;
    buf[i] = Math.abs(x - median);
  }
  const mad = medianInPlace(buf);
  return band(history, from, to, value, sensitivity, median, mad, min, max, above, below);
}

/** The score from the range's median and MAD, with the scale floors (the floor's sum in the history's order). */
function band(
  history: readonly number[],
  from: number,
  to: number,
  value: number,
  sensitivity: number,
  median: number,
  mad: number,
  min: number,
  max: number,
  above: number,
  below: number,
): BaselineScore {
  const n = to - from;
  let scale = 1.4826 * mad;
  if (scale === 0) {
    let sum = 0;
    for (let i = from; i < to; i++) sum += Math.abs(history[i] - median);
    scale = (1.2533 * sum) / n;
  }
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
    historyMin: n === 0 ? NaN : min,
    historyMax: n === 0 ? NaN : max,
    above,
    below,
  };
}

/** A sorted copy of `array[from..to)`: a cache beside the array, never part of a saved state. */
interface SortedRange {
  from: number;
  to: number;
  sorted: number[];
}

/** Per array: its sorted copy, or null once it was scored by selection (the next scoring sorts). */
const SORTED = new WeakMap<readonly number[], SortedRange | null>();

/** Most values entering and leaving for which sliding the copy beats sorting the range afresh. */
const SLIDE_MAX = 64;

/**
 * The values of `array[from..to)` in ascending order (do not change them). Slides the array's cached copy when the
 * range moved forward by a few values, else sorts afresh. A value expected to leave that the copy does not hold (the
 * array changed under it without droppedFront) makes it sort afresh too.
 */
function sortedRange(array: readonly number[], from: number, to: number): number[] {
  const c = SORTED.get(array);
  if (c && from >= c.from && to >= c.to && from <= c.to && from - c.from + (to - c.to) <= SLIDE_MAX) {
    let ok = true;
    for (let i = c.from; i < from && ok; i++) ok = removeSorted(c.sorted, array[i]);
    if (ok) {
      for (let i = c.to; i < to; i++) insertSorted(c.sorted, array[i]);
      c.from = from;
      c.to = to;
      return c.sorted;
    }
  }
  const sorted = array.slice(from, to).sort((a, b) => a - b);
  SORTED.set(array, { from, to, sorted });
  return sorted;
}

/**
 * Removes the first `count` values of `array` (its oldest): the cached sorted copy drops those of its range and
 * follows the indices down. Every history scoreRange judges loses its oldest values through here.
 */
export function dropOldest(array: number[], count: number): void {
  const c = SORTED.get(array);
  if (c) {
    let held = true;
    for (let i = c.from; i < Math.min(count, c.to) && held; i++) held = removeSorted(c.sorted, array[i]);
    if (held) {
      c.from = Math.max(c.from, count) - count;
      c.to = Math.max(c.to, count) - count;
    } else SORTED.delete(array);
  }
  array.splice(0, count);
}

/** First index of `a` (ascending) whose value is not below `x`. */
function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index of `a` (ascending) whose value is above `x`. */
function upperBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(a: number[], x: number): void {
  a.splice(upperBound(a, x), 0, x);
}

/** Removes one `x` from `a`; false when `a` holds none. */
function removeSorted(a: number[], x: number): boolean {
  const i = lowerBound(a, x);
  if (i >= a.length || a[i] !== x) return false;
  a.splice(i, 1);
  return true;
}

/**
 * Median of |x − median| over ascending `a`, `firstAtOrAbove` the first index not below the median: the distances
 * below it and from it upwards are each ascending, so merging them from the median outwards yields the distances in
 * order; the middle one (or the mean of the two middle ones) is the MAD. NaN when empty.
 */
function medianDeviation(a: readonly number[], median: number, firstAtOrAbove: number): number {
  const n = a.length;
  if (n === 0) return NaN;
  const k = n >> 1;
  let left = firstAtOrAbove - 1;
  let right = firstAtOrAbove;
  let previous = NaN;
  let current = NaN;
  for (let taken = 0; taken <= k; taken++) {
    const dl = left >= 0 ? median - a[left] : Infinity;
    const dr = right < n ? a[right] - median : Infinity;
    previous = current;
    if (dl <= dr) {
      current = dl;
      left--;
    } else {
      current = dr;
      right++;
    }
  }
  return n % 2 === 1 ? current : (previous + current) / 2;
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
