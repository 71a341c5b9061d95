/**
 * Seasonality auto: the learnt daily profile (per 5-minute slot of the day, the slot's mean on each of the last
 * days), the expectation at a time of day, and whether the day's shape explains a group's variation.
 */
import { DateTime } from 'luxon';
import { meanAbsoluteDeviation, medianOfSorted } from './robust-statistics';
import type { BaselineState } from './types';

/** Slots per day (5 minutes each) and days per slot that seasonality auto keeps. */
const PROFILE_SLOTS = 288;
const PROFILE_DAYS = 7;

/** Slots either side of a value's own that its expectation also draws on. */
const PROFILE_NEIGHBOURS = 2;

/** [day number, slot of the day] of `t` in `zone` (5-minute slots). */
export function daySlot(t: number, zone: string): [day: number, slot: number] {
  const dt = DateTime.fromMillis(t, { zone });
  const day = Math.floor((t + dt.offset * 60_000) / 86_400_000);
  return [day, Math.floor((dt.hour * 60 + dt.minute) / (1440 / PROFILE_SLOTS))];
}

/**
 * The expectation at a slot: median of the earlier days' means of the slot
 * and its neighbours, and their spread (1.4826 × MAD, value units). Null
 * until two earlier days are known.
 */
export function profileExpectation(
  s: BaselineState,
  [day, slot]: [number, number],
): { expected: number; spread: number } | null {
  if (!s.profile) return null;
  const means: number[] = [];
  const days = new Set<number>();
  for (let d = -PROFILE_NEIGHBOURS; d <= PROFILE_NEIGHBOURS; d++) {
    for (const [dn, sum, count] of s.profile[(slot + d + PROFILE_SLOTS) % PROFILE_SLOTS] ?? []) {
      if (dn >= day) continue;
      means.push(sum / count);
      days.add(dn);
    }
  }
  if (days.size < 2) return null;
  const expected = medianOfSorted(means.sort((a, b) => a - b));
  const deviations = means.map((m) => Math.abs(m - expected)).sort((a, b) => a - b);
  return { expected, spread: 1.4826 * medianOfSorted(deviations) };
}

/**
 * Adds a value to its day's mean of its slot; days stay in order (a late value joins its own day), the oldest beyond
 * PROFILE_DAYS go.
 */
export function learnProfile(s: BaselineState, [day, slot]: [number, number], value: number): void {
  const days = ((s.profile ??= {})[slot] ??= []);
  let i = days.length - 1;
  while (i >= 0 && days[i][0] > day) i--;
  if (i >= 0 && days[i][0] === day) {
    days[i][1] += value;
    days[i][2] += 1;
    return;
  }
  days.splice(i + 1, 0, [day, value, 1]);
  if (days.length > PROFILE_DAYS) days.splice(0, days.length - PROFILE_DAYS);
}

/**
 * Whether the residuals' spread is under half the values': the daily shape
 * explains most of the variation. Spread here is the mean absolute deviation
 * around the median, not the MAD: a daily shape often makes the values
 * bimodal (day and night levels), where the MAD only sees the larger mode.
 * Judged once there is a day's worth of residuals (PROFILE_SLOTS). The
 * medians are the ones the two bands were just scored with (one value
 * earlier than the histories): no sorting per event for this. `residuals`
 * already holds the new residual; the values' spread is taken as if `value`
 * had joined `values` (a history of `historySize` at most), before it does:
 * whether the shape explains the group decides which series is scored.
 */
export function explainsShape(
  residuals: readonly number[],
  residualMedian: number,
  values: readonly number[],
  value: number,
  historySize: number,
  valueMedian: number,
): boolean {
  if (residuals.length < PROFILE_SLOTS) return false;
  const start = Math.max(0, values.length + 1 - historySize);
  let sum = 0;
  for (let i = start; i < values.length; i++) sum += Math.abs(values[i] - valueMedian);
  sum += Math.abs(value - valueMedian);
  return meanAbsoluteDeviation(residuals, residualMedian) < 0.5 * (sum / (values.length - start + 1));
}
