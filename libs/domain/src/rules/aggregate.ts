import type { AggregateFn, CalendarPeriod, ComparisonOp } from '@anom/contracts';
import { DateTime } from 'luxon';
import { quantileSorted } from 'simple-statistics';

/**
 * `aggregate` rules: an aggregate of a field (or of matching events) per group
 * over a sliding window or a calendar period, compared with a threshold.
 *
 * Semantics, per group:
 * - sliding window `W`: after each event the aggregate covers the included
 *   events with event time in (watermark − W, watermark], where the watermark
 *   is the newest event time seen for the group. Events that fail the filter
 *   still advance the watermark (and so expire old points);
 * - calendar period (`day`, `week` starting Monday, `month`) in the business's
 *   time zone (IANA, via Luxon): the aggregate covers the period of the
 *   watermark; an event of a later period starts a new one;
 * - an event older than the watermark by more than `allowedLateness` — or,
 *   for periods, from a period already closed — is too late: reported, not
 *   counted. A later event inside the allowance is counted in its own window
 *   (its time, not its arrival, decides which points it joins);
 * - the rule matches while `aggregate op threshold` holds (each event that
 *   keeps it true is a match signal); when it stops holding after a match,
 *   a `clear` signal is given (used for auto-resolve).
 * Aggregates: count, sum, avg, min, max, count_distinct, and p50/p90/p95/p99
 * (exact, linear interpolation between closest ranks: simple-statistics
 * `quantileSorted`). Empty windows: count and count_distinct are 0, the
 * others are undefined and never match.
 *
 * State: count, sum, min and max are kept per time bucket of window/60 (one
 * bucket per calendar period), so a busy group costs 60 small tuples, not one
 * entry per event. A bucket leaves the window when its start does: the window
 * is exact for events on bucket boundaries and otherwise at most one bucket
 * (1/60 of the window) short. count_distinct and percentiles keep the values
 * themselves (at most maxPoints, oldest dropped first).
 */

// The vocabularies are the rule model's (@anom/contracts rules.ts).
export { AGGREGATE_FNS, CALENDAR_PERIODS, COMPARISON_OPS } from '@anom/contracts';
export type { AggregateFn, CalendarPeriod, ComparisonOp };

export interface AggregateConfig {
  fn: AggregateFn;
  /** Sliding window length in ms; exactly one of windowMs and period is set. */
  windowMs: number | null;
  period: CalendarPeriod | null;
  /** IANA zone for calendar periods. */
  timezone: string;
  op: ComparisonOp;
  threshold: number;
  allowedLatenessMs: number;
  /** Bound on the points a group keeps; the oldest go first beyond it. */
  maxPoints: number;
}

/** One included event in the window: time (epoch ms), value (null for count), id. */
export type AggregatePoint = [t: number, value: number | string | null, id: string];

/** A time bucket: start (epoch ms), count, and sum/min/max of numeric values (null when none). */
export type AggregateBucket = [start: number, count: number, sum: number, min: number | null, max: number | null];

export interface AggregateState {
  /** Buckets in time order (count, sum, avg, min, max). */
  buckets: AggregateBucket[];
  /** Values in time order, kept only for count_distinct and percentiles. */
  points: [t: number, value: number | string | null][];
  watermark: number;
  /** Start of the calendar period the points belong to (epoch ms); null for sliding windows. */
  periodStart: number | null;
  /** Whether the comparison held after the previous event. */
  holding: boolean;
}

export type AggregateSignal =
  | { type: 'match'; value: number; points: number }
  | { type: 'clear'; value: number | undefined }
  | { type: 'late'; id: string };

export interface AggregateInput {
  id: string;
  t: number;
  /** Whether the rule's filter condition held (always true without a filter). */
  included: boolean;
  /** The field's value (null for count without a field). */
  value: number | string | null;
  /** The time the watermark may advance to (epoch ms): `t`, or less when the event is dated ahead of its receipt. */
  wt?: number;
}

const NEEDS_VALUES = new Set<AggregateFn>(['count_distinct', 'p50', 'p90', 'p95', 'p99']);

/**
 * Advances one group's window by one event. The state is updated in place
 * and returned (a busy group steps thousands of times per batch; copying its
 * buckets each time dominated the cost): pass a state you own, and keep a
 * copy if you need the one before. A too-late event leaves it untouched.
 */
export function stepAggregate(
  config: AggregateConfig,
  state: AggregateState | undefined,
  e: AggregateInput,
): { state: AggregateState; signals: AggregateSignal[] } {
  const wt = e.wt ?? e.t;
  const s: AggregateState = state ?? {
    buckets: [],
    points: [],
    watermark: wt,
    periodStart: config.period ? periodStart(e.t, config) : null,
    holding: false,
  };
  if (state && e.t < state.watermark - config.allowedLatenessMs)
    return { state, signals: [{ type: 'late', id: e.id }] };
  if (config.period) {
    const p = periodStart(e.t, config);
    if (s.periodStart !== null && p < s.periodStart) return { state: s, signals: [{ type: 'late', id: e.id }] };
    if (s.periodStart === null || p > s.periodStart) {
      s.buckets = [];
      s.points = [];
      s.periodStart = p;
    }
  }
  s.watermark = Math.max(s.watermark, wt);
  const { buckets, points } = s;
  if (e.included) {
    const numeric = typeof e.value === 'number' ? e.value : null;
    const start =
      config.windowMs !== null
        ? Math.floor(e.t / bucketMs(config.windowMs)) * bucketMs(config.windowMs)
        : (s.periodStart ?? 0);
    addToBucket(buckets, start, numeric);
    if (NEEDS_VALUES.has(config.fn)) insertSorted(points, [e.t, e.value]);
  }
  if (config.windowMs !== null) {
    const from = s.watermark - config.windowMs;
    let drop = 0;
    while (drop < buckets.length && buckets[drop][0] <= from) drop++;
    if (drop > 0) buckets.splice(0, drop);
    let dropPoints = 0;
    while (dropPoints < points.length && points[dropPoints][0] <= from) dropPoints++;
    if (dropPoints > 0) points.splice(0, dropPoints);
  }
  if (points.length > config.maxPoints) points.splice(0, points.length - config.maxPoints);
  const value = NEEDS_VALUES.has(config.fn) ? aggregate(config.fn, points) : aggregateBuckets(config.fn, buckets);
  const holds = value !== undefined && compare(value, config.op, config.threshold);
  const signals: AggregateSignal[] = [];
  // A match is an event that keeps the comparison true: an excluded event only re-checks it.
  if (holds && (e.included || !s.holding)) signals.push({ type: 'match', value: value!, points: countOf(buckets) });
  if (!holds && s.holding) signals.push({ type: 'clear', value });
  s.holding = holds;
  return { state: s, signals };
}

function countOf(buckets: readonly AggregateBucket[]): number {
  let n = 0;
  for (const b of buckets) n += b[1];
  return n;
}

/** Bucket width of a sliding window: 1/60 of it (at least 1 ms). */
export function bucketMs(windowMs: number): number {
  return Math.max(1, Math.floor(windowMs / 60));
}

/** Adds one value to the bucket starting at `start`, in place (buckets stay in time order). */
function addToBucket(buckets: AggregateBucket[], start: number, v: number | null): void {
  let i = buckets.length - 1;
  while (i >= 0 && buckets[i][0] > start) i--;
  if (i >= 0 && buckets[i][0] === start) {
    const b = buckets[i];
    b[1] += 1;
    b[2] += v ?? 0;
    if (v !== null) {
      b[3] = b[3] === null ? v : Math.min(b[3], v);
      b[4] = b[4] === null ? v : Math.max(b[4], v);
    }
  } else {
    buckets.splice(i + 1, 0, [start, 1, v ?? 0, v, v]);
  }
}

function aggregateBuckets(fn: AggregateFn, buckets: readonly AggregateBucket[]): number | undefined {
  let count = 0;
  let sum = 0;
  let min: number | null = null;
  let max: number | null = null;
  let numeric = 0;
  for (const [, c, s, lo, hi] of buckets) {
    count += c;
    sum += s;
    if (lo !== null) {
      numeric++;
      min = min === null ? lo : Math.min(min, lo);
    }
    if (hi !== null) max = max === null ? hi : Math.max(max, hi);
  }
  switch (fn) {
    case 'count':
      return count;
    case 'sum':
      return numeric === 0 ? undefined : sum;
    case 'avg':
      return numeric === 0 ? undefined : sum / count;
    case 'min':
      return min ?? undefined;
    case 'max':
      return max ?? undefined;
    default:
      return undefined;
  }
}

/** The aggregate of `points` ([time, value, …]); undefined where it is not defined for an empty window. */
export function aggregate(
  fn: AggregateFn,
  points: readonly (readonly [number, number | string | null, ...unknown[]])[],
): number | undefined {
  if (fn === 'count') return points.length;
  if (fn === 'count_distinct') return new Set(points.map((p) => p[1])).size;
  const nums = points.map((p) => p[1]).filter((v): v is number => typeof v === 'number');
  if (nums.length === 0) return undefined;
  switch (fn) {
    case 'sum':
      return nums.reduce((a, b) => a + b, 0);
    case 'avg':
      return nums.reduce((a, b) => a + b, 0) / nums.length;
    case 'min':
      return Math.min(...nums);
    case 'max':
      return Math.max(...nums);
    default: {
      const q = Number(fn.slice(1)) / 100;
      return quantileSorted(
        [...nums].sort((a, b) => a - b),
        q,
      );
    }
  }
}

export function compare(value: number, op: ComparisonOp, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

/** Start (epoch ms) of the calendar period containing `t` in the config's zone. */
export function periodStart(t: number, config: Pick<AggregateConfig, 'period' | 'timezone'>): number {
  return DateTime.fromMillis(t, { zone: config.timezone })
    .startOf(config.period as CalendarPeriod)
    .toMillis();
}

/** Inserts a point in time order, in place; in-order arrival (the usual case) appends. */
function insertSorted(points: [number, number | string | null][], p: [number, number | string | null]): void {
  let i = points.length;
  while (i > 0 && points[i - 1][0] > p[0]) i--;
  points.splice(i, 0, p);
}
