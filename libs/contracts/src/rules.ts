import type { RuleKind, RuleOrigin, Severity } from './vocabulary';

/**
 * The rule model, declared once (DESIGN.md "Rules are data"): the body a
 * rule is created with and stored as, a discriminated union by `kind`, and
 * the vocabularies its options use. The api's DTO and OpenAPI document, the
 * domain's parser and the web app's forms all derive from what is here.
 * Durations are strings such as `30s`, `5m`, `2h`, `1d`.
 */

/** Aggregate functions of an aggregate rule (percentiles are continuous, as Grafana's and TimescaleDB's). */
export const AGGREGATE_FNS = [
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'count_distinct',
  'p50',
  'p90',
  'p95',
  'p99',
] as const;
export type AggregateFn = (typeof AGGREGATE_FNS)[number];

/** How an aggregate is compared with its threshold. */
export const COMPARISON_OPS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];

/** Calendar periods an aggregate may cover instead of a sliding window (in the business's time zone). */
export const CALENDAR_PERIODS = ['day', 'week', 'month'] as const;
export type CalendarPeriod = (typeof CALENDAR_PERIODS)[number];

/** Baseline seasonality: one band, one per hour of day or day of week, or a learnt daily profile. */
export const SEASONALITIES = ['none', 'hour_of_day', 'day_of_week', 'auto'] as const;
export type Seasonality = (typeof SEASONALITIES)[number];

/** Which side of a baseline's band counts. */
export const DIRECTIONS = ['both', 'above', 'below'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** An escalation: when the CEL condition also holds for the matching event, the alert takes this severity. */
export interface Escalation {
  when: string;
  severity: Severity;
}

/** What every rule has, whatever its kind. */
export interface RuleCommon {
  name: string;
  description?: string;
  /**
   * CEL condition over the business's fields. Required for immediate and
   * sequence rules; for aggregate it filters the events counted, for absence
   * it selects the events that count as a sign of life, for baseline the
   * events judged (null = every event).
   */
  condition: string | null;
  /** Fields whose values split alerts: one alert per rule and group key. */
  groupBy: string[];
  severity: Severity;
  /** Checked in order; the highest severity among those that hold wins. */
  escalations: Escalation[];
  /** Quiet time after a resolve before the same fingerprint may open again. */
  cooldown: string | null;
  /** Auto-resolve once the condition has not matched for this long. */
  resolveAfter: string | null;
  enabled: boolean;
  /** How much older than the newest event of a group an event may be and still be evaluated. */
  allowedLateness: string;
  /** Stateful kinds: groups tracked at most (default 20,000); see RULE_OPTIONS. */
  maxGroups?: number;
  /** Stateful kinds: a group untouched this long (wall clock) is forgotten. */
  forgetAfter?: string | null;
}

/** One event satisfies the condition. */
export interface ImmediateRule extends RuleCommon {
  kind: 'immediate';
}

/** N or more consecutive events of a group satisfy the condition (A{N,}), optionally within a span. */
export interface SequenceRule extends RuleCommon {
  kind: 'sequence';
  minCount: number;
  within: string | null;
}

/** No (matching) event of a group for `window`. */
export interface AbsenceRule extends RuleCommon {
  kind: 'absence';
  window: string;
  /** Group values expected to report (rules with one groupBy field). */
  expectedGroups?: string[];
}

/** An aggregate over a sliding window or a calendar period, compared with a threshold. */
export interface AggregateRule extends RuleCommon {
  kind: 'aggregate';
  aggregate: { fn: AggregateFn; field?: string };
  window: string | null;
  period: CalendarPeriod | null;
  op: ComparisonOp;
  threshold: number;
}

/**
 * A baseline rule's defaults: the settings `npm run bench:nab` chose by its leave-one-category-out protocol on the
 * Numenta Anomaly Benchmark (bench/nab.bench.ts; the README's NAB figures). Windows and the quiet period are in
 * values (samples), not time, so they mean the same on any cadence.
 */
export const BASELINE_DEFAULTS = {
  sensitivity: 5.5,
  seasonality: 'auto',
  historySize: 1000,
  minHistory: 30,
  newExtremesOnly: true,
  meanWindow: 12,
  volatilityWindow: 24,
  contextWindow: 48,
  quietPeriod: 75,
} as const;

/** A value leaves the band learnt from its group's recent history (see @anom/domain baseline/model.ts). */
export interface BaselineRule extends RuleCommon {
  kind: 'baseline';
  field: string;
  sensitivity: number;
  direction: Direction;
  seasonality: Seasonality;
  historySize: number;
  minHistory: number;
  newExtremesOnly: boolean;
  /** Window statistics in values; null (or absent, in rules stored before they had defaults): not judged. */
  meanWindow?: number | null;
  volatilityWindow?: number | null;
  contextWindow?: number | null;
  /** Values after an alarm during which a new one opens nothing; absent: 0. */
  quietPeriod?: number;
}

/** A rule as created and stored (`rule_version.definition`): one shape per kind. */
export type RuleBody = ImmediateRule | SequenceRule | AbsenceRule | AggregateRule | BaselineRule;

/** The body of a rule of kind `K`. */
export type RuleOfKind<K extends RuleKind> = Extract<RuleBody, { kind: K }>;

/** A rule as the api returns it: its current version's body and where it stands. */
export type Rule = RuleBody & {
  id: string;
  businessId: string;
  version: number;
  origin: RuleOrigin;
  /** Managed by a provisioning folder: edits are overwritten when the api next starts. */
  provisioned: boolean;
  createdAt: string;
  updatedAt: string;
};

/** The options of a kind beyond RuleCommon. */
export type RuleOptionKey = {
  [K in RuleKind]: Exclude<keyof RuleOfKind<K>, keyof RuleCommon | 'kind'>;
}[RuleKind];

/** How an option is sent: what the api's DTO checks of its shape (the domain parser checks its meaning). */
export type RuleOptionType = 'string' | 'number' | 'boolean' | 'string[]' | 'object';

/** One kind option, as the DTO, the OpenAPI document and the forms present it. */
export interface RuleOptionSpec {
  kinds: readonly RuleKind[];
  type: RuleOptionType;
  description: string;
  example?: unknown;
  enum?: readonly string[];
  /** Left to its default by the forms (set through the api). */
  advanced?: boolean;
  /** `object` options: their string properties (an enum where one applies) and which are required. */
  properties?: Record<string, { enum?: readonly string[]; required?: boolean }>;
}

/**
 * Every kind option: the kinds it applies to (an option of another kind is
 * refused, so a typo in `kind` is not silently ignored), how it is sent, and
 * what it means.
 */
export const RULE_OPTIONS: { readonly [K in RuleOptionKey]: RuleOptionSpec } = {
  minCount: { kinds: ['sequence'], type: 'number', example: 5, description: 'sequence: consecutive matches that fire' },
  within: {
    kinds: ['sequence'],
    type: 'string',
    example: '5m',
    description: 'sequence: span the last minCount matches must fit in',
  },
  window: {
    kinds: ['absence', 'aggregate'],
    type: 'string',
    example: '3m',
    description: 'aggregate: sliding window; absence: silence that fires',
  },
  expectedGroups: {
    kinds: ['absence'],
    type: 'string[]',
    example: ['SFTP-BANK-A'],
    description: 'absence: group values expected to report',
  },
  aggregate: {
    kinds: ['aggregate'],
    type: 'object',
    properties: { fn: { enum: AGGREGATE_FNS, required: true }, field: {} },
    example: { fn: 'count' },
    description: `aggregate: { fn: ${AGGREGATE_FNS.join('|')}, field? }`,
  },
  period: {
    kinds: ['aggregate'],
    type: 'string',
    enum: CALENDAR_PERIODS,
    description: 'aggregate: calendar period in the business time zone',
  },
  op: { kinds: ['aggregate'], type: 'string', enum: COMPARISON_OPS, description: 'aggregate: comparison' },
  threshold: { kinds: ['aggregate'], type: 'number', example: 20, description: 'aggregate: compared with' },
  field: {
    kinds: ['baseline'],
    type: 'string',
    example: 'cpu_percent',
    description: 'baseline: the number field judged against its band',
  },
  sensitivity: {
    kinds: ['baseline'],
    type: 'number',
    example: 5.5,
    description:
      'baseline: robust z-score (median ± sensitivity × 1.4826 × MAD) beyond which a statistic is anomalous (its ' +
      'anomaly score, 0-1, then passes 0.5)',
  },
  direction: {
    kinds: ['baseline'],
    type: 'string',
    enum: DIRECTIONS,
    description: 'baseline: which side of the band counts',
  },
  seasonality: {
    kinds: ['baseline'],
    type: 'string',
    enum: SEASONALITIES,
    description:
      'baseline: a band per hour of day or day of week, or auto: a learnt daily profile, used for groups whose ' +
      'daily shape explains most of their variation',
  },
  historySize: {
    kinds: ['baseline'],
    type: 'number',
    example: 500,
    description: 'baseline: values remembered per group (and seasonal bin); 20-5000',
  },
  minHistory: {
    kinds: ['baseline'],
    advanced: true,
    type: 'number',
    example: 30,
    description: 'baseline: values a group needs before it is judged; 5 to historySize',
  },
  newExtremesOnly: {
    kinds: ['baseline'],
    type: 'boolean',
    description:
      'baseline: only values beyond every value of the history (new highs or lows, by more than a chance record ' +
      "would: 1 / H_m of the old extreme's distance from the median, m the values beyond the median on its side; " +
      '0.15 for 1000 continuous values) count',
  },
  meanWindow: {
    kinds: ['baseline'],
    type: 'number',
    example: 12,
    description:
      'baseline: also judge the mean of the last this many values against the history of such means (a level ' +
      'shift inside the range of single values); 2-100, at most half of historySize',
  },
  volatilityWindow: {
    kinds: ['baseline'],
    type: 'number',
    example: 24,
    description:
      'baseline: also judge the mean absolute change between consecutive values over the last this many values ' +
      '(noise or spikes growing denser, or a signal going quiet), on both sides; 2-100, at most half of historySize',
  },
  contextWindow: {
    kinds: ['baseline'],
    type: 'number',
    example: 48,
    description:
      'baseline: also judge how far the last this many values, as a sequence, are from the nearest earlier such ' +
      'sequence of the history (a shape, rhythm or frequency never seen before); 2-100, at most half of historySize',
  },
  quietPeriod: {
    kinds: ['baseline'],
    advanced: true,
    type: 'number',
    example: 75,
    description:
      'baseline: values after an anomaly during which a new one opens no alert (an open one stays open while ' +
      'anomalies go on); 0-10000',
  },
};

/** The option keys of each kind, in RULE_OPTIONS order. */
export const RULE_KIND_OPTIONS: { readonly [K in RuleKind]: readonly RuleOptionKey[] } = {
  immediate: optionsOf('immediate'),
  sequence: optionsOf('sequence'),
  absence: optionsOf('absence'),
  aggregate: optionsOf('aggregate'),
  baseline: optionsOf('baseline'),
};

function optionsOf(kind: RuleKind): RuleOptionKey[] {
  return (Object.keys(RULE_OPTIONS) as RuleOptionKey[]).filter((k) => RULE_OPTIONS[k].kinds.includes(kind));
}
