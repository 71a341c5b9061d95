import type { RuleDefinition } from '@anom/domain';
import type { BusinessProfile, FieldProfile, NumericProfile } from './profile';

export const SUGGESTION_KINDS = ['threshold', 'absence', 'aggregate_spike', 'rare_category', 'baseline'] as const;
export type SuggestionKind = (typeof SUGGESTION_KINDS)[number];

/** A proposed rule: the body POST /rules takes, why, and the figures it rests on. */
export interface Suggestion {
  kind: SuggestionKind;
  /** Stable identity (kind and what it watches): a suggestion rejected or accepted once is not proposed again. */
  key: string;
  rule: Record<string, unknown>;
  /** One sentence a person can check against the evidence. */
  rationale: string;
  evidence: Record<string, unknown>;
}

/** What deduplication reads of an existing rule (any RuleDefinition fits). */
export interface ExistingRule {
  kind: RuleDefinition['kind'];
  condition: string | null;
  field?: string;
  window?: string | null;
  aggregate?: { fn: string };
}

export interface SuggestOptions {
  /** The business's entity-key fields: suggestions are per entity where that makes sense. */
  entityKeyFields: readonly string[];
  /** Rules that exist: a suggestion doing the same is not made. */
  existing?: readonly ExistingRule[];
  /** Fewest values or events a statistic needs before it is trusted (default 200). */
  minSamples?: number;
  /** The fields' declared bounds: no threshold is proposed that a valid value could barely cross (see BOUND_MARGIN). */
  fields?: readonly { name: string; min?: number | null; max?: number | null }[];
}

/**
 * Share of a field's declared range (or of the bound's magnitude, with one bound) a threshold must leave
 * between itself and that bound: SpO2 declared 0–100 gets no "above 99" rule, since a healthy 100 % would fire it.
 */
export const BOUND_MARGIN = 0.02;

/** Whether `threshold` leaves less than BOUND_MARGIN of room before the declared bound on its side. */
function hugsBound(threshold: number, side: '>' | '<', min?: number | null, max?: number | null): boolean {
  const bound = side === '>' ? max : min;
  if (bound === null || bound === undefined) return false;
  const span = min != null && max != null && max > min ? max - min : Math.abs(bound) || 1;
  return side === '>' ? bound - threshold < BOUND_MARGIN * span : threshold - bound < BOUND_MARGIN * span;
}

/** A value's share below which it counts as rare (0.5 %). */
export const RARE_SHARE = 0.005;
/** Hour-of-day or day-of-week seasonal strength from which a seasonal baseline is proposed. */
export const SEASONAL_STRENGTH = 0.3;
/** Groups arriving this regularly (p95 gap ≤ 3 × median gap) get an absence rule. */
export const REGULARITY = 3;

/**
 * Rules a profile suggests:
 * - threshold: an immediate rule just beyond the 99.9th percentile of a
 *   numeric field (and below the 0.1th when the low tail is the longer one);
 * - absence: for entity groups that arrive regularly, silence longer than
 *   1.2 × their 95th-percentile gap (rounded up to a readable duration);
 * - aggregate_spike: more events in 5 minutes than twice the 99th
 *   percentile of 5-minute counts (and more than the most ever seen);
 * - rare_category: values of a category field seen in under 0.5 % of events;
 * - baseline: a seasonal baseline for numeric fields whose hour of day or
 *   day of week explains at least 30 % of their variance (the stronger of
 *   the two).
 * Thresholds are rounded to 3 significant digits, away from the data.
 */
export function suggestRules(profile: BusinessProfile, opts: SuggestOptions): Suggestion[] {
  const min = opts.minSamples ?? 200;
  const over = `over ${formatDays(profile.days)}`;
  const out: Suggestion[] = [];
  const groupBy = [...opts.entityKeyFields];

  const declared = new Map((opts.fields ?? []).map((d) => [d.name, d]));
  for (const f of profile.fields) {
    const n = f.numeric;
    if (n && f.count >= min && n.max > n.min) {
      const q = n.quantiles;
      const high = roundAway(q.p999, 'up');
      const bounds = declared.get(f.name);
      if (!hugsBound(high, '>', bounds?.min, bounds?.max))
        out.push({
          kind: 'threshold',
          key: `threshold:${f.name}:>`,
          rule: {
            name: `${f.name} unusually high`,
            kind: 'immediate',
            condition: `${f.name} > ${high}`,
            groupBy,
            severity: 'medium',
          },
          rationale:
            `${f.name} was above ${fmt(q.p999)} in 0.1% of ${count(f.count)} values ${over} (p99.9; p99 ` +
            `${fmt(q.p99)}, median ${fmt(q.p50)}). Alert above ${fmt(high)}.`,
          evidence: { field: f.name, values: f.count, quantiles: q, min: n.min, max: n.max },
        });
      const low = roundAway(q.p001, 'down');
      if (q.p50 - q.p001 > q.p999 - q.p50 && !hugsBound(low, '<', bounds?.min, bounds?.max)) {
        out.push({
          kind: 'threshold',
          key: `threshold:${f.name}:<`,
          rule: {
            name: `${f.name} unusually low`,
            kind: 'immediate',
            condition: `${f.name} < ${low}`,
            groupBy,
            severity: 'medium',
          },
          rationale:
            `${f.name} was below ${fmt(q.p001)} in 0.1% of ${count(f.count)} values ${over} (p0.1; p1 ` +
            `${fmt(q.p01)}, median ${fmt(q.p50)}). Alert below ${fmt(low)}.`,
          evidence: { field: f.name, values: f.count, quantiles: q, min: n.min, max: n.max },
        });
      }
      const seasonal = seasonalBaseline(f.name, n, over, groupBy);
      if (seasonal) out.push(seasonal);
    }
    if (f.categories && f.count >= min) out.push(...rareValues(f, over, groupBy));
  }

  const regular = profile.arrivals.filter((a) => a.events >= 20 && a.p95 <= REGULARITY * a.median && a.median > 0);
  if (regular.length > 0 && groupBy.length === 1) {
    const byWindow = new Map<number, typeof regular>();
    for (const a of regular) {
      const w = niceDuration(1.2 * a.p95);
      byWindow.set(w, [...(byWindow.get(w) ?? []), a]);
    }
    for (const [windowMs, groups] of [...byWindow.entries()].sort((a, b) => a[0] - b[0])) {
      const names = groups.map((g) => g.group);
      const typical = Math.max(...groups.map((g) => g.median));
      const p95 = Math.max(...groups.map((g) => g.p95));
      const window = durationText(windowMs);
      out.push({
        kind: 'absence',
        key: `absence:${groupBy[0]}:${window}:${names.join(',')}`,
        rule: {
          name: `No event from ${listOf(names)} for ${window}`,
          kind: 'absence',
          window,
          groupBy,
          expectedGroups: names,
          severity: 'high',
        },
        rationale:
          `Typical arrival for ${listOf(names)} is every ${durationText(typical, true)} (p95 ` +
          `${durationText(p95, true)} ${over}). Alert if nothing arrives for ${window}.`,
        evidence: {
          groups: groups.map((g) => ({
            group: g.group,
            events: g.events,
            medianGapMs: g.median,
            p95GapMs: g.p95,
            maxGapMs: g.max,
          })),
        },
      });
    }
  }

  if (profile.rate.windows >= 100) {
    const threshold = Math.max(Math.ceil(2 * profile.rate.p99), profile.rate.max + 1);
    out.push({
      kind: 'aggregate_spike',
      key: 'aggregate_spike:count:5m',
      rule: {
        name: 'Event burst',
        kind: 'aggregate',
        aggregate: { fn: 'count' },
        window: '5m',
        op: '>',
        threshold,
        severity: 'medium',
      },
      rationale:
        `At most ${profile.rate.max} events arrived in any 5 minutes ${over} (p99 ` +
        `${fmt(profile.rate.p99)}, median ${fmt(profile.rate.p50)}). Alert above ${threshold} in 5 minutes.`,
      evidence: { rate: profile.rate },
    });
  }

  return out.filter((s) => !duplicates(s, opts.existing ?? []));
}

function rareValues(f: FieldProfile, over: string, groupBy: string[]): Suggestion[] {
  const rare = f.categories!.top.filter((c) => c.share < RARE_SHARE);
  // Only when the field is otherwise well established: a few values carry almost all events.
  if (rare.length === 0 || rare.length === f.categories!.top.length || f.categories!.distinct > 50) return [];
  const values = rare.map((c) => c.value);
  const condition =
    values.length === 1
      ? `${f.name} == ${JSON.stringify(values[0])}`
      : `${f.name} in [${values.map((v) => JSON.stringify(v)).join(', ')}]`;
  return [
    {
      kind: 'rare_category',
      key: `rare_category:${f.name}:${values.join(',')}`,
      rule: { name: `Rare ${f.name}: ${listOf(values)}`, kind: 'immediate', condition, groupBy, severity: 'medium' },
      rationale:
        `${f.name} was ${listOf(values.map((v) => JSON.stringify(v)))} in ` +
        `${rare.map((c) => `${c.count}`).join(' and ')} of ${count(f.count)} events ${over} (under 0.5% each). ` +
        `Alert when it happens.`,
      evidence: { field: f.name, distinct: f.categories!.distinct, top: f.categories!.top },
    },
  ];
}

function duplicates(s: Suggestion, existing: readonly ExistingRule[]): boolean {
  const r = s.rule;
  return existing.some((e) => {
    if (e.kind !== r.kind) return false;
    if (e.kind === 'immediate') return e.condition === r.condition;
    if (e.kind === 'baseline') return e.field === r.field;
    if (e.kind === 'absence') return e.window === r.window;
    if (e.kind === 'aggregate')
      return e.window === r.window && e.aggregate?.fn === 'count' && (e.condition ?? null) === null;
    return false;
  });
}

/** Rounds to 3 significant digits, away from the data (`up` for upper thresholds). */
export function roundAway(x: number, direction: 'up' | 'down'): number {
  if (x === 0) return 0;
  const step = 10 ** (Math.floor(Math.log10(Math.abs(x))) - 2);
  const r = direction === 'up' ? Math.ceil(x / step) * step : Math.floor(x / step) * step;
  return Number(r.toPrecision(3));
}

const NICE_MS = [
  60_000, 120_000, 300_000, 600_000, 900_000, 1_200_000, 1_800_000, 2_700_000, 3_600_000, 7_200_000, 10_800_000,
  21_600_000, 43_200_000, 86_400_000, 172_800_000, 604_800_000,
];

/**
 * The smallest readable duration (1m, 2m, 5m, 10m, 15m, 20m, 30m, 45m, 1h, 2h, 3h, 6h, 12h, 1d, 2d, 1w) at or above
 * `ms`.
 */
export function niceDuration(ms: number): number {
  return NICE_MS.find((d) => d >= ms) ?? Math.ceil(ms / 604_800_000) * 604_800_000;
}

/** `20m`, `2h`, `1d` (a rule duration); with `prose`, `16.2 min`, `2.5 h`. */
function durationText(ms: number, prose = false): string {
  if (prose)
    return ms < 3_600_000
      ? `${fmt(ms / 60_000)} min`
      : ms < 86_400_000
        ? `${fmt(ms / 3_600_000)} h`
        : `${fmt(ms / 86_400_000)} days`;
  if (ms % 604_800_000 === 0) return `${ms / 604_800_000}w`;
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  return `${Math.ceil(ms / 60_000)}m`;
}

function formatDays(days: number): string {
  return days >= 2 ? `${Math.round(days)} days` : days >= 1 / 24 ? `${fmt(days * 24)} hours` : 'under an hour';
}

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/**
 * A baseline rule when the hour of day or the weekday explains at least SEASONAL_STRENGTH of the field's variance;
 * null otherwise. It takes the baseline defaults (BASELINE_DEFAULTS: the settings `npm run bench:nab` chose by its
 * leave-one-category-out protocol), whose seasonality `auto` learns the daily shape; a weekly pattern that explains
 * more than the daily one gets a band per weekday instead. The rationale names the lowest and highest bin's median.
 */
function seasonalBaseline(field: string, n: NumericProfile, over: string, groupBy: string[]): Suggestion | null {
  const hourly = n.hourOfDayStrength ?? -1;
  const weekly = n.dayOfWeekStrength ?? -1;
  if (Math.max(hourly, weekly) < SEASONAL_STRENGTH) return null;
  const byWeekday = weekly > hourly;
  const binMedians = byWeekday ? n.weekdayMedians : n.hourlyMedians;
  const bins = binMedians.map((m, i) => [i, m] as const).filter((x): x is readonly [number, number] => x[1] !== null);
  const lo = bins.reduce((a, b) => (b[1] < a[1] ? b : a));
  const hi = bins.reduce((a, b) => (b[1] > a[1] ? b : a));
  const [what, name] = byWeekday
    ? ['day of week', (i: number) => `on ${WEEKDAYS[i]}`]
    : ['hour of day', (i: number) => `at ${hh(i)}`];
  const strength = byWeekday ? weekly : hourly;
  return {
    kind: 'baseline',
    key: `baseline:${field}`,
    rule: {
      name: byWeekday ? `${field} off its usual for the weekday` : `${field} off its usual daily pattern`,
      kind: 'baseline',
      field,
      groupBy,
      ...(byWeekday ? { seasonality: 'day_of_week' } : {}),
      severity: 'medium',
    },
    rationale:
      `The ${what} explains ${Math.round(strength * 100)}% of ${field}'s variance ${over} (median ` +
      `${fmt(lo[1])} ${name(lo[0])}, ${fmt(hi[1])} ${name(hi[0])}). Alert when it leaves ` +
      (byWeekday ? 'its usual band for the weekday' : 'the band of its learnt daily profile') +
      ', with the baseline settings benchmarked on the Numenta Anomaly Benchmark.',
    evidence: byWeekday
      ? { field, dayOfWeekStrength: weekly, weekdayMedians: n.weekdayMedians }
      : { field, hourOfDayStrength: hourly, hourlyMedians: n.hourlyMedians },
  };
}

function fmt(x: number): string {
  return Number(x.toPrecision(3)).toString();
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function hh(h: number): string {
  return `${String(h).padStart(2, '0')}:00`;
}

function listOf(names: readonly string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}
