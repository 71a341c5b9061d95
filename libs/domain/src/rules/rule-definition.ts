import {
  RULE_KINDS,
  SEVERITIES,
  SUPPORTED_RULE_KINDS,
  type InputErrorDetail,
  type RuleKind,
  type Severity,
} from '@anom/contracts';
import { parseDuration } from '../duration';
import { KEY_FIELD_TYPES, type FieldDefinition } from '../schema/business-schema';
import { compileCondition, createConditionEnvironment } from '../expression/condition';
import {
  AGGREGATE_FNS,
  CALENDAR_PERIODS,
  COMPARISON_OPS,
  type AggregateFn,
  type CalendarPeriod,
  type ComparisonOp,
} from './aggregate';
import {
  DEFAULT_HISTORY,
  DEFAULT_MIN_HISTORY,
  DEFAULT_SENSITIVITY,
  DIRECTIONS,
  SEASONALITIES,
  type Direction,
  type Seasonality,
} from './baseline';

/** An escalation: when the CEL condition also holds for the matching event, the alert takes this severity. */
export interface Escalation {
  when: string;
  severity: Severity;
}

/**
 * A rule as stored in `rule_version.definition` (DESIGN.md "Rules are data").
 * Durations are strings such as `30s`, `5m`, `2h`, `1d`.
 */
export interface RuleDefinition {
  name: string;
  description?: string;
  kind: RuleKind;
  /**
   * CEL condition over the business's fields. Required for immediate and
   * sequence rules; for aggregate it filters the events counted, for absence
   * it selects the events that count as a sign of life (null = every event).
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
  /**
   * Stateful kinds: groups tracked at most (DEFAULT_MAX_GROUPS). Events of a
   * new group past it are not evaluated by this rule; they are counted and
   * raise one "group limit reached" alert on the rule.
   */
  maxGroups?: number;
  /**
   * Stateful kinds: a group untouched this long (wall clock) is forgotten,
   * its state dropped (default defaultForgetAfterMs).
   */
  forgetAfter?: string | null;
  /** sequence: run length that fires (N of A{N,}). */
  minCount?: number;
  /** sequence: span the N most recent matches must fit in. */
  within?: string | null;
  /** aggregate: sliding window; absence: the silence that fires. */
  window?: string | null;
  /** aggregate: calendar period in the business time zone, instead of a window. */
  period?: CalendarPeriod | null;
  aggregate?: { fn: AggregateFn; field?: string };
  op?: ComparisonOp;
  threshold?: number;
  /** absence: group values expected to report (rules with one groupBy field). */
  expectedGroups?: string[];
  /** baseline: the numeric field whose values are judged against their band. */
  field?: string;
  /** baseline: robust z-score beyond which a value is anomalous. */
  sensitivity?: number;
  /** baseline: which side of the band counts. */
  direction?: Direction;
  /** baseline: separate bands per hour of day or day of week. */
  seasonality?: Seasonality;
  /** baseline: values remembered per group (and seasonal bin). */
  historySize?: number;
  /** baseline: values a group needs before it is judged. */
  minHistory?: number;
  /** baseline: only new highs or lows (beyond the whole history) count. */
  newExtremesOnly?: boolean;
  /** baseline: also judge the mean of the last this many values (catches level shifts). */
  meanWindow?: number;
  /** baseline: also judge the mean absolute change over the last this many values (catches variance changes). */
  volatilityWindow?: number;
}

export const DEFAULT_ALLOWED_LATENESS = '1m';

/**
 * Groups a stateful rule tracks unless it says otherwise. The cost of a batch
 * grows with the groups it touches, not with this; what it bounds is Redis
 * memory and what one source can make a rule watch (an absence rule alerts
 * every silent group it tracks). Prometheus's `sample_limit` per scrape and
 * Grafana Mimir's `max_global_series_per_user` are the same kind of named
 * limit, reached loudly rather than silently.
 */
export const DEFAULT_MAX_GROUPS = 20_000;
export const MAX_MAX_GROUPS = 1_000_000;
/** Idle state expires at the latest after this long (ms): the Redis key TTL. */
export const MAX_FORGET_AFTER_MS = 30 * 86_400_000;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const PERIOD_MS = { day: DAY_MS, week: 7 * DAY_MS, month: 31 * DAY_MS } as const;

/**
 * How long (ms) a group of a stateful rule may stay untouched before its
 * state is forgotten: the rule's `forgetAfter`, else ten times the span its
 * state can matter over (an aggregate's window, a sequence's within, an
 * absence window), at least an hour (a week for absence: a silent group is
 * what it watches), or two calendar periods; 30 days (the state TTL) for
 * baseline histories and unbounded sequences. Never over MAX_FORGET_AFTER_MS.
 */
export function defaultForgetAfterMs(
  d: Pick<RuleDefinition, 'kind' | 'forgetAfter' | 'window' | 'within' | 'period'>,
): number {
  const own = d.forgetAfter ? parseDuration(d.forgetAfter) : null;
  if (own !== null) return Math.min(own, MAX_FORGET_AFTER_MS);
  const span = (v: string | null | undefined) => (v ? parseDuration(v) : null);
  let ms: number;
  if (d.kind === 'aggregate')
    ms = d.period ? 2 * PERIOD_MS[d.period] : Math.max(10 * (span(d.window) ?? HOUR_MS), HOUR_MS);
  else if (d.kind === 'sequence')
    ms = d.within ? Math.max(10 * (span(d.within) ?? HOUR_MS), HOUR_MS) : MAX_FORGET_AFTER_MS;
  else if (d.kind === 'absence') ms = Math.max(10 * (span(d.window) ?? HOUR_MS), 7 * DAY_MS);
  else ms = MAX_FORGET_AFTER_MS;
  return Math.min(ms, MAX_FORGET_AFTER_MS);
}

export type RuleParseResult = { ok: true; definition: RuleDefinition } | { ok: false; errors: InputErrorDetail[] };

const MAX_NAME = 200;

/**
 * Checks a rule body against the business schema and normalises it
 * (defaults filled, unknown keys dropped). Every problem is reported with a
 * JSON pointer into the body: an unknown field in the condition is
 * `/condition`, a bad escalation `/escalations/1/when`. Never throws.
 */
export function parseRuleDefinition(input: unknown, fields: readonly FieldDefinition[]): RuleParseResult {
  const errors: InputErrorDetail[] = [];
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, errors: [{ pointer: '', detail: 'a rule must be a JSON object' }] };
  }
  const body = input as Record<string, unknown>;

  const name = typeof body.name === 'string' ? body.name.trim() : '';
  if (name === '' || name.length > MAX_NAME)
    errors.push({ pointer: '/name', detail: `must be a non-empty string of at most ${MAX_NAME} characters` });

  const kind = body.kind as RuleKind;
  if (!RULE_KINDS.includes(kind)) {
    errors.push({ pointer: '/kind', detail: `must be one of ${RULE_KINDS.join(', ')}` });
  } else if (!SUPPORTED_RULE_KINDS.includes(kind)) {
    errors.push({
      pointer: '/kind',
      detail: `kind '${kind}' is not supported by this version; supported: ${SUPPORTED_RULE_KINDS.join(', ')}`,
    });
  }

  const severity = (body.severity ?? 'medium') as Severity;
  if (!SEVERITIES.includes(severity))
    errors.push({ pointer: '/severity', detail: `must be one of ${SEVERITIES.join(', ')}` });

  const env = createConditionEnvironment(fields);
  const conditionOptional = kind === 'aggregate' || kind === 'absence' || kind === 'baseline';
  const condition =
    conditionOptional && (body.condition === undefined || body.condition === null || body.condition === '')
      ? null
      : (body.condition as string);
  if (condition !== null) {
    const checked = compileCondition(condition, fields, '/condition', env);
    if (!checked.ok) errors.push(...checked.errors);
  }

  const groupBy: string[] = [];
  if (body.groupBy !== undefined) {
    if (!Array.isArray(body.groupBy)) {
      errors.push({ pointer: '/groupBy', detail: 'must be an array of field names' });
    } else {
      body.groupBy.forEach((g, i) => {
        const f = fields.find((x) => x.name === g);
        if (typeof g !== 'string' || !f)
          errors.push({ pointer: `/groupBy/${i}`, detail: `unknown field '${String(g)}'` });
        else if (!KEY_FIELD_TYPES.includes(f.type))
          errors.push({ pointer: `/groupBy/${i}`, detail: `field '${g}' is ${f.type}; group by a scalar field` });
        else if (groupBy.includes(g)) errors.push({ pointer: `/groupBy/${i}`, detail: `duplicate field '${g}'` });
        else groupBy.push(g);
      });
    }
  }

  const escalations: Escalation[] = [];
  if (body.escalations !== undefined) {
    if (!Array.isArray(body.escalations)) {
      errors.push({ pointer: '/escalations', detail: 'must be an array of { when, severity }' });
    } else {
      body.escalations.forEach((e, i) => {
        const esc = (e ?? {}) as Record<string, unknown>;
        const sev = esc.severity as Severity;
        if (!SEVERITIES.includes(sev))
          errors.push({ pointer: `/escalations/${i}/severity`, detail: `must be one of ${SEVERITIES.join(', ')}` });
        const when = compileCondition(esc.when as string, fields, `/escalations/${i}/when`, env);
        if (!when.ok) errors.push(...when.errors);
        if (SEVERITIES.includes(sev) && when.ok) escalations.push({ when: esc.when as string, severity: sev });
      });
    }
  }

  const cooldown = optionalDuration(body.cooldown, '/cooldown', errors);
  const resolveAfter = optionalDuration(body.resolveAfter, '/resolveAfter', errors);

  if (body.enabled !== undefined && typeof body.enabled !== 'boolean')
    errors.push({ pointer: '/enabled', detail: 'must be a boolean' });
  if (body.description !== undefined && typeof body.description !== 'string')
    errors.push({ pointer: '/description', detail: 'must be a string' });

  const allowedLateness =
    optionalDuration(body.allowedLateness, '/allowedLateness', errors) ?? DEFAULT_ALLOWED_LATENESS;
  const limits: Pick<RuleDefinition, 'maxGroups' | 'forgetAfter'> = {};
  if (body.maxGroups !== undefined && body.maxGroups !== null) {
    const m = body.maxGroups;
    if (kind === 'immediate')
      errors.push({ pointer: '/maxGroups', detail: 'does not apply to immediate rules (they keep no state)' });
    else if (typeof m !== 'number' || !Number.isInteger(m) || m < 1 || m > MAX_MAX_GROUPS)
      errors.push({ pointer: '/maxGroups', detail: `must be an integer from 1 to ${MAX_MAX_GROUPS}` });
    else limits.maxGroups = m;
  }
  if (body.forgetAfter !== undefined && body.forgetAfter !== null) {
    const f = optionalDuration(body.forgetAfter, '/forgetAfter', errors);
    if (kind === 'immediate')
      errors.push({ pointer: '/forgetAfter', detail: 'does not apply to immediate rules (they keep no state)' });
    else if (f !== null && (parseDuration(f)! < 60_000 || parseDuration(f)! > MAX_FORGET_AFTER_MS))
      errors.push({ pointer: '/forgetAfter', detail: 'must be a duration from 1m to 30d' });
    else if (f !== null) limits.forgetAfter = f;
  }
  const kindParts = parseKindParts(kind, body, fields, groupBy, errors);

  if (errors.length > 0) return { ok: false, errors };
  const definition: RuleDefinition = {
    name,
    kind,
    condition,
    groupBy,
    severity,
    escalations,
    cooldown,
    resolveAfter,
    enabled: body.enabled === undefined ? true : (body.enabled as boolean),
    allowedLateness,
    ...limits,
    ...kindParts,
  };
  if (typeof body.description === 'string' && body.description !== '') definition.description = body.description;
  return { ok: true, definition };
}

/** The options of each kind; options of other kinds are refused so a typo in `kind` is not silently ignored. */
function parseKindParts(
  kind: RuleKind,
  body: Record<string, unknown>,
  fields: readonly FieldDefinition[],
  groupBy: string[],
  errors: InputErrorDetail[],
): Partial<RuleDefinition> {
  const own: Record<RuleKind, string[]> = {
    immediate: [],
    sequence: ['minCount', 'within'],
    absence: ['window', 'expectedGroups'],
    aggregate: ['aggregate', 'window', 'period', 'op', 'threshold'],
    baseline: [
      'field',
      'sensitivity',
      'direction',
      'seasonality',
      'historySize',
      'minHistory',
      'newExtremesOnly',
      'meanWindow',
      'volatilityWindow',
    ],
  };
  const all = [
    'minCount',
    'within',
    'window',
    'expectedGroups',
    'aggregate',
    'period',
    'op',
    'threshold',
    'field',
    'sensitivity',
    'direction',
    'seasonality',
    'historySize',
    'minHistory',
    'newExtremesOnly',
    'meanWindow',
    'volatilityWindow',
  ];
  for (const key of all) {
    if (body[key] !== undefined && body[key] !== null && !(own[kind] ?? []).includes(key))
      errors.push({ pointer: `/${key}`, detail: `does not apply to ${kind} rules` });
  }
  switch (kind) {
    case 'sequence': {
      const minCount = body.minCount;
      if (typeof minCount !== 'number' || !Number.isInteger(minCount) || minCount < 2 || minCount > 1000)
        errors.push({ pointer: '/minCount', detail: 'must be an integer from 2 to 1000' });
      if (body.condition === undefined || body.condition === null)
        errors.push({ pointer: '/condition', detail: 'a sequence rule needs a condition' });
      return { minCount: minCount as number, within: optionalDuration(body.within, '/within', errors) };
    }
    case 'absence': {
      const window = optionalDuration(body.window, '/window', errors);
      if (window === null && (body.window === undefined || body.window === null))
        errors.push({ pointer: '/window', detail: 'an absence rule needs a window such as 20m' });
      let expectedGroups: string[] | undefined;
      // null, like absent, means none (an edit that empties the list sends null).
      if (body.expectedGroups !== undefined && body.expectedGroups !== null) {
        if (!Array.isArray(body.expectedGroups) || body.expectedGroups.some((g) => typeof g !== 'string' || g === ''))
          errors.push({ pointer: '/expectedGroups', detail: 'must be an array of non-empty strings' });
        else if (groupBy.length !== 1)
          errors.push({
            pointer: '/expectedGroups',
            detail: 'needs exactly one groupBy field, whose values these are',
          });
        else expectedGroups = [...new Set(body.expectedGroups as string[])];
      }
      return { window, ...(expectedGroups ? { expectedGroups } : {}) };
    }
    case 'aggregate': {
      const agg = (body.aggregate ?? {}) as { fn?: unknown; field?: unknown };
      const fn = agg.fn as AggregateFn;
      if (!AGGREGATE_FNS.includes(fn))
        errors.push({ pointer: '/aggregate/fn', detail: `must be one of ${AGGREGATE_FNS.join(', ')}` });
      let field: string | undefined;
      if (agg.field !== undefined) {
        const f = fields.find((x) => x.name === agg.field);
        if (!f) errors.push({ pointer: '/aggregate/field', detail: `unknown field '${String(agg.field)}'` });
        else if (fn !== 'count' && fn !== 'count_distinct' && f.type !== 'number' && f.type !== 'integer')
          errors.push({ pointer: '/aggregate/field', detail: `${fn} needs a number field; '${f.name}' is ${f.type}` });
        else field = f.name;
      } else if (fn !== 'count' && AGGREGATE_FNS.includes(fn)) {
        errors.push({ pointer: '/aggregate/field', detail: `${fn} needs a field` });
      }
      const window = optionalDuration(body.window, '/window', errors);
      const period = (body.period ?? null) as CalendarPeriod | null;
      if (period !== null && !CALENDAR_PERIODS.includes(period))
        errors.push({ pointer: '/period', detail: `must be one of ${CALENDAR_PERIODS.join(', ')}` });
      if (window === null && period === null && (body.window === undefined || body.window === null))
        errors.push({
          pointer: '/window',
          detail: 'give either a sliding window (3m) or a calendar period (day, week, month)',
        });
      if (window !== null && period !== null)
        errors.push({ pointer: '/period', detail: 'give a window or a period, not both' });
      const op = body.op as ComparisonOp;
      if (!COMPARISON_OPS.includes(op))
        errors.push({ pointer: '/op', detail: `must be one of ${COMPARISON_OPS.join(' ')}` });
      if (typeof body.threshold !== 'number' || !Number.isFinite(body.threshold))
        errors.push({ pointer: '/threshold', detail: 'must be a number' });
      return { aggregate: field ? { fn, field } : { fn }, window, period, op, threshold: body.threshold as number };
    }
    case 'baseline': {
      const f = fields.find((x) => x.name === body.field);
      if (typeof body.field !== 'string')
        errors.push({ pointer: '/field', detail: 'a baseline rule needs the number field it watches' });
      else if (!f) errors.push({ pointer: '/field', detail: `unknown field '${body.field}'` });
      else if (f.type !== 'number' && f.type !== 'integer')
        errors.push({ pointer: '/field', detail: `field '${f.name}' is ${f.type}; a baseline needs a number field` });
      const sensitivity = body.sensitivity ?? DEFAULT_SENSITIVITY;
      if (typeof sensitivity !== 'number' || !(sensitivity >= 1 && sensitivity <= 20))
        errors.push({
          pointer: '/sensitivity',
          detail: 'must be a number from 1 to 20 (a robust z-score; 3.5 is usual)',
        });
      const direction = (body.direction ?? 'both') as Direction;
      if (!DIRECTIONS.includes(direction))
        errors.push({ pointer: '/direction', detail: `must be one of ${DIRECTIONS.join(', ')}` });
      const seasonality = (body.seasonality ?? 'none') as Seasonality;
      if (!SEASONALITIES.includes(seasonality))
        errors.push({ pointer: '/seasonality', detail: `must be one of ${SEASONALITIES.join(', ')}` });
      const historySize = body.historySize ?? DEFAULT_HISTORY;
      if (typeof historySize !== 'number' || !Number.isInteger(historySize) || historySize < 20 || historySize > 5000)
        errors.push({ pointer: '/historySize', detail: 'must be an integer from 20 to 5000' });
      const minHistory =
        body.minHistory ??
        Math.min(DEFAULT_MIN_HISTORY, typeof historySize === 'number' ? historySize : DEFAULT_MIN_HISTORY);
      if (
        typeof minHistory !== 'number' ||
        !Number.isInteger(minHistory) ||
        minHistory < 5 ||
        (typeof historySize === 'number' && minHistory > historySize)
      )
        errors.push({ pointer: '/minHistory', detail: 'must be an integer from 5 to historySize' });
      if (body.newExtremesOnly !== undefined && typeof body.newExtremesOnly !== 'boolean')
        errors.push({ pointer: '/newExtremesOnly', detail: 'must be a boolean' });
      const windows: { meanWindow?: number; volatilityWindow?: number } = {};
      for (const key of ['meanWindow', 'volatilityWindow'] as const) {
        const k = body[key] ?? undefined;
        if (k === undefined) continue;
        if (
          typeof k !== 'number' ||
          !Number.isInteger(k) ||
          k < 2 ||
          k > 100 ||
          (typeof historySize === 'number' && k * 2 > historySize)
        )
          errors.push({ pointer: `/${key}`, detail: 'must be an integer from 2 to 100, at most half of historySize' });
        else windows[key] = k;
      }
      return {
        field: f?.name,
        sensitivity: sensitivity as number,
        direction,
        seasonality,
        historySize: historySize as number,
        minHistory: minHistory as number,
        newExtremesOnly: body.newExtremesOnly === true,
        ...windows,
      };
    }
    default:
      return {};
  }
}

function optionalDuration(value: unknown, pointer: string, errors: InputErrorDetail[]): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || parseDuration(value) === null) {
    errors.push({ pointer, detail: 'must be a duration such as 30s, 5m, 2h or 1d' });
    return null;
  }
  return value;
}
