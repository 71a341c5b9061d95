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
 */

export const AGGREGATE_FNS = ['count', 'sum', 'avg', 'min', 'max', 'count_distinct', 'p50', 'p90', 'p95', 'p99'] as const;
export type AggregateFn = (typeof AGGREGATE_FNS)[number];
export const COMPARISON_OPS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];
export const CALENDAR_PERIODS = ['day', 'week', 'month'] as const;
export type CalendarPeriod = (typeof CALENDAR_PERIODS)[number];

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

export interface AggregateState {
  /** Points in event-time order. */
  points: AggregatePoint[];
  watermark: number;
  /** Start of the calendar period the points belong to (epoch ms); null for sliding windows. */
  periodStart: number | null;
  /** Whether the comparison held after the previous event. */
  holding: boolean;
}

export type AggregateSignal = { type: 'match'; value: number; points: number } | { type: 'clear'; value: number | undefined } | { type: 'late'; id: string };

export interface AggregateInput {
  id: string;
  t: number;
  /** Whether the rule's filter condition held (always true without a filter). */
  included: boolean;
  /** The field's value (null for count without a field). */
  value: number | string | null;
}

/** Advances one group's window by one event. Pure. */
export function stepAggregate(config: AggregateConfig, state: AggregateState | undefined, e: AggregateInput): { state: AggregateState; signals: AggregateSignal[] } {
  let s: AggregateState = state ?? { points: [], watermark: e.t, periodStart: config.period ? periodStart(e.t, config) : null, holding: false };
  if (state && e.t < state.watermark - config.allowedLatenessMs) return { state, signals: [{ type: 'late', id: e.id }] };
  if (config.period) {
    const p = periodStart(e.t, config);
    if (s.periodStart !== null && p < s.periodStart) return { state: s, signals: [{ type: 'late', id: e.id }] };
    if (s.periodStart === null || p > s.periodStart) s = { ...s, points: [], periodStart: p };
  }
  const watermark = Math.max(s.watermark, e.t);
  let points = s.points;
  if (e.included) points = insertSorted(points, [e.t, e.value, e.id]);
  if (config.windowMs !== null) {
    const from = watermark - config.windowMs;
    let drop = 0;
    while (drop < points.length && points[drop][0] <= from) drop++;
    if (drop > 0) points = points.slice(drop);
  }
  if (points.length > config.maxPoints) points = points.slice(points.length - config.maxPoints);
  const value = aggregate(config.fn, points);
  const holds = value !== undefined && compare(value, config.op, config.threshold);
  const signals: AggregateSignal[] = [];
  // A match is an event that keeps the comparison true: an excluded event only re-checks it.
  if (holds && (e.included || !s.holding)) signals.push({ type: 'match', value: value!, points: points.length });
  if (!holds && s.holding) signals.push({ type: 'clear', value });
  return { state: { points, watermark, periodStart: s.periodStart, holding: holds }, signals };
}

/** The aggregate of `points`; undefined where it is not defined for an empty window. */
export function aggregate(fn: AggregateFn, points: readonly AggregatePoint[]): number | undefined {
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
      return quantileSorted([...nums].sort((a, b) => a - b), q);
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
  return DateTime.fromMillis(t, { zone: config.timezone }).startOf(config.period as CalendarPeriod).toMillis();
}

function insertSorted(points: AggregatePoint[], p: AggregatePoint): AggregatePoint[] {
  let i = points.length;
  while (i > 0 && points[i - 1][0] > p[0]) i--;
  return [...points.slice(0, i), p, ...points.slice(i)];
}
