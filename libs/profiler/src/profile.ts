import { medianAbsoluteDeviation, quantileSorted } from 'simple-statistics';
import { DateTime } from 'luxon';
import type { FieldDefinition } from '@anom/domain';

/** An event as the profiler reads it. */
export interface ProfiledEvent {
  eventTime: Date;
  payload: Record<string, unknown>;
}

/** Quantiles of a numeric field (linear interpolation between closest ranks, simple-statistics `quantileSorted`). */
export interface Quantiles {
  p001: number;
  p01: number;
  p05: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
}

export interface NumericProfile {
  min: number;
  max: number;
  quantiles: Quantiles;
  median: number;
  /** Median absolute deviation (unscaled). */
  mad: number;
  /**
   * Share of the variance explained by the hour of day (0–1): 1 − Var(x − median of its hour) / Var(x),
   * the seasonal strength of Wang, Smith & Hyndman (2006, "Characteristic-based clustering for time
   * series data", DMKD 13) with hourly medians as the seasonal component. Null with under 3 days of data.
   */
  hourOfDayStrength: number | null;
  /** Median per hour of day (0–23) in the business's zone; null where an hour has no value. */
  hourlyMedians: (number | null)[];
  /**
   * Share of the variance explained by the day of the week (0–1), as hourOfDayStrength with the
   * weekday's median as the seasonal component. Null until every weekday has values on at least two
   * dates (two weeks), so one unusual day cannot pass for its weekday's habit.
   */
  dayOfWeekStrength: number | null;
  /**
   * Median per ISO weekday in the business's zone, Monday first (index 0 = Monday, 6 = Sunday); null where a weekday
   * has no value.
   */
  weekdayMedians: (number | null)[];
}

export interface CategoryProfile {
  distinct: number;
  /** Values by frequency, most frequent first (at most 50). */
  top: { value: string; count: number; share: number }[];
}

export interface FieldProfile {
  name: string;
  type: FieldDefinition['type'];
  /** Events carrying a value. */
  count: number;
  missing: number;
  numeric?: NumericProfile;
  categories?: CategoryProfile;
}

/** Inter-arrival of one entity group's events, in milliseconds. */
export interface ArrivalProfile {
  group: string;
  groupKey: Record<string, unknown>;
  events: number;
  median: number;
  p95: number;
  max: number;
  last: Date;
}

export interface BusinessProfile {
  events: number;
  from: Date | null;
  to: Date | null;
  /** Span of the history in days (fractional). */
  days: number;
  fields: FieldProfile[];
  /** Per entity-key group (the business's entity-key fields); empty without entity keys. */
  arrivals: ArrivalProfile[];
  /** Events per 5-minute window of the whole business (windows with at least one event). */
  rate: { windowMs: number; windows: number; p50: number; p99: number; max: number };
}

export const RATE_WINDOW_MS = 5 * 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Profiles a business's history. `events` in any order; timestamps in the
 * business's IANA `timezone` decide the hour-of-day and weekday bins. Numeric fields
 * (number, integer) get quantiles, median/MAD and seasonal strength; string
 * and enum fields category frequencies; every event group of the entity-key
 * fields its inter-arrival times. Pure; O(n log n).
 */
export function profileEvents(input: {
  fields: readonly FieldDefinition[];
  entityKeyFields: readonly string[];
  timezone: string;
  events: readonly ProfiledEvent[];
}): BusinessProfile {
  const events = [...input.events].sort((a, b) => a.eventTime.getTime() - b.eventTime.getTime());
  const from = events[0]?.eventTime ?? null;
  const to = events.at(-1)?.eventTime ?? null;
  const days = from && to ? (to.getTime() - from.getTime()) / DAY : 0;
  const local = events.map((e) => DateTime.fromMillis(e.eventTime.getTime(), { zone: input.timezone }));
  const calendar: Calendar = {
    hours: local.map((d) => d.hour),
    weekdays: local.map((d) => d.weekday - 1),
    dates: local.map((d) => d.ordinal + 1000 * d.year),
    days,
  };

  const fields: FieldProfile[] = [];
  for (const f of input.fields) {
    const values = events.map((e) => e.payload[f.name]);
    const present = values.filter((v) => v !== undefined && v !== null);
    const profile: FieldProfile = {
      name: f.name,
      type: f.type,
      count: present.length,
      missing: values.length - present.length,
    };
    if ((f.type === 'number' || f.type === 'integer') && present.length > 0) {
      profile.numeric = numericProfile(values, calendar);
    } else if (
      (f.type === 'string' || f.type === 'enum') &&
      present.length > 0 &&
      !input.entityKeyFields.includes(f.name)
    ) {
      profile.categories = categoryProfile(present.map(String));
    }
    fields.push(profile);
  }

  return {
    events: events.length,
    from,
    to,
    days,
    fields,
    arrivals: arrivals(events, input.entityKeyFields),
    rate: rate(events),
  };
}

/**
 * Where each event (in time order) falls in the business's zone: hour 0–23, weekday 0–6 (Monday first), a date number;
 * and the history's span in days.
 */
interface Calendar {
  hours: readonly number[];
  weekdays: readonly number[];
  dates: readonly number[];
  days: number;
}

function numericProfile(values: readonly unknown[], calendar: Calendar): NumericProfile {
  const { hours, weekdays, dates, days } = calendar;
  const nums: number[] = [];
  const byHour: number[][] = Array.from({ length: 24 }, () => []);
  const byWeekday: number[][] = Array.from({ length: 7 }, () => []);
  const weekdayDates: Set<number>[] = Array.from({ length: 7 }, () => new Set());
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return;
    nums.push(v);
    byHour[hours[i]].push(v);
    byWeekday[weekdays[i]].push(v);
    weekdayDates[weekdays[i]].add(dates[i]);
  });
  const sorted = [...nums].sort((a, b) => a - b);
  const q = (p: number) => quantileSorted(sorted, p);
  const median = q(0.5);
  const hourlyMedians = medians(byHour);
  const weekdayMedians = medians(byWeekday);
  const hourOfDayStrength =
    days >= 3 && nums.length >= 48 ? seasonalStrength(values, hours, hourlyMedians, nums) : null;
  const dayOfWeekStrength =
    weekdayDates.every((d) => d.size >= 2) && nums.length >= 48
      ? seasonalStrength(values, weekdays, weekdayMedians, nums)
      : null;
  return {
    min: sorted[0],
    max: sorted[sorted.length - 1],
    quantiles: { p001: q(0.001), p01: q(0.01), p05: q(0.05), p50: median, p95: q(0.95), p99: q(0.99), p999: q(0.999) },
    median,
    mad: medianAbsoluteDeviation(nums),
    hourOfDayStrength,
    hourlyMedians,
    dayOfWeekStrength,
    weekdayMedians,
  };
}

function medians(bins: readonly number[][]): (number | null)[] {
  return bins.map((b) =>
    b.length
      ? quantileSorted(
          [...b].sort((x, y) => x - y),
          0.5,
        )
      : null,
  );
}

/** 1 − Var(x − its bin's median) / Var(x) over the numeric values (Wang, Smith & Hyndman 2006), never below 0. */
function seasonalStrength(
  values: readonly unknown[],
  bins: readonly number[],
  binMedians: readonly (number | null)[],
  nums: readonly number[],
): number {
  const residuals: number[] = [];
  values.forEach((v, i) => {
    if (typeof v === 'number' && Number.isFinite(v)) residuals.push(v - (binMedians[bins[i]] as number));
  });
  const total = variance(nums);
  return total === 0 ? 0 : Math.max(0, 1 - variance(residuals) / total);
}

function categoryProfile(values: readonly string[]): CategoryProfile {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const top = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 50)
    .map(([value, count]) => ({ value, count, share: count / values.length }));
  return { distinct: counts.size, top };
}

function arrivals(events: readonly ProfiledEvent[], keys: readonly string[]): ArrivalProfile[] {
  if (keys.length === 0) return [];
  const byGroup = new Map<string, { key: Record<string, unknown>; times: number[] }>();
  for (const e of events) {
    const key: Record<string, unknown> = {};
    for (const k of keys) key[k] = e.payload[k] ?? null;
    const id = keys.map((k) => String(key[k])).join('|');
    let g = byGroup.get(id);
    if (!g) byGroup.set(id, (g = { key, times: [] }));
    g.times.push(e.eventTime.getTime());
  }
  const out: ArrivalProfile[] = [];
  for (const [group, { key, times }] of byGroup) {
    if (times.length < 2) continue;
    const gaps = times
      .slice(1)
      .map((t, i) => t - times[i])
      .sort((a, b) => a - b);
    out.push({
      group,
      groupKey: key,
      events: times.length,
      median: quantileSorted(gaps, 0.5),
      p95: quantileSorted(gaps, 0.95),
      max: gaps[gaps.length - 1],
      last: new Date(times[times.length - 1]),
    });
  }
  return out.sort((a, b) => a.group.localeCompare(b.group));
}

function rate(events: readonly ProfiledEvent[]): BusinessProfile['rate'] {
  const counts = new Map<number, number>();
  for (const e of events) {
    const w = Math.floor(e.eventTime.getTime() / RATE_WINDOW_MS);
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  const sorted = [...counts.values()].sort((a, b) => a - b);
  if (sorted.length === 0) return { windowMs: RATE_WINDOW_MS, windows: 0, p50: 0, p99: 0, max: 0 };
  return {
    windowMs: RATE_WINDOW_MS,
    windows: sorted.length,
    p50: quantileSorted(sorted, 0.5),
    p99: quantileSorted(sorted, 0.99),
    max: sorted[sorted.length - 1],
  };
}

function variance(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= xs.length;
  let v = 0;
  for (const x of xs) v += (x - mean) ** 2;
  return v / xs.length;
}
