import { DIRECTIONS, SEASONALITIES, type BaselineRule, type Direction, type Seasonality } from '@anom/contracts';
import {
  BASELINE_DEFAULTS,
  DEFAULT_HISTORY,
  DEFAULT_MIN_HISTORY,
  DEFAULT_SENSITIVITY,
  stepBaseline,
  type BaselineConfig,
  type BaselineScore,
  type BaselineSignal,
  type BaselineState,
} from '../baseline';
import { MAX_FORGET_AFTER_MS } from '../limits';
import type { CompiledRule } from '../compile-rule';
import { reportEventSignals, type RuleKindModule } from './kind';
import { round } from './parse-helpers';

/** `baseline`: a value leaves the band learnt from its group's recent history (baseline/model.ts). */
export const baselineKind: RuleKindModule<'baseline'> = {
  kind: 'baseline',
  conditionOptional: true,
  stateful: true,
  parse({ body, fields, errors }) {
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
        detail: 'must be a number from 1 to 20 (a robust z-score; 5.5 by default)',
      });
    const direction = (body.direction ?? 'both') as Direction;
    if (!DIRECTIONS.includes(direction))
      errors.push({ pointer: '/direction', detail: `must be one of ${DIRECTIONS.join(', ')}` });
    const seasonality = (body.seasonality ?? BASELINE_DEFAULTS.seasonality) as Seasonality;
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
    // Absent: the default window; null: not judged.
    const windows: Record<'meanWindow' | 'volatilityWindow' | 'contextWindow', number | null> = {
      meanWindow: null,
      volatilityWindow: null,
      contextWindow: null,
    };
    for (const key of ['meanWindow', 'volatilityWindow', 'contextWindow'] as const) {
      // A default window never takes more than half of a short history (the limit below).
      const k =
        body[key] === undefined
          ? Math.min(BASELINE_DEFAULTS[key], typeof historySize === 'number' ? Math.floor(historySize / 2) : Infinity)
          : body[key];
      if (k === null) continue;
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
    const quietPeriod = body.quietPeriod ?? BASELINE_DEFAULTS.quietPeriod;
    if (typeof quietPeriod !== 'number' || !Number.isInteger(quietPeriod) || quietPeriod < 0 || quietPeriod > 10_000)
      errors.push({ pointer: '/quietPeriod', detail: 'must be an integer from 0 to 10000 (values)' });
    return {
      field: f?.name as string,
      sensitivity: sensitivity as number,
      direction,
      seasonality,
      historySize: historySize as number,
      minHistory: minHistory as number,
      newExtremesOnly: (body.newExtremesOnly ?? BASELINE_DEFAULTS.newExtremesOnly) === true,
      ...windows,
      quietPeriod: quietPeriod as number,
    };
  },
  defaultForgetAfterMs: () => MAX_FORGET_AFTER_MS,
  step(rule, allowedLatenessMs) {
    const d = rule.definition;
    const config = baselineConfig(d, rule.timezone, allowedLatenessMs);
    return (state, { e, group, holds, t, wt }, out) => {
      if (!holds) return state; // the optional condition selects the events that are judged
      const raw = e.payload[d.field];
      const r = stepBaseline(config, state as BaselineState | undefined, {
        id: e.id,
        t,
        wt,
        value: typeof raw === 'number' ? raw : null,
      });
      reportEventSignals(rule, { e, group }, r.signals, out, (s: Extract<BaselineSignal, { type: 'match' }>) =>
        baselineEvidence(d, raw, s),
      );
      return r.state;
    };
  },
};

/**
 * The model's configuration of a stored baseline rule (what the engine runs; the NAB benchmark uses it too). Options
 * a rule stored before they existed lack are off: its behaviour does not change under it.
 */
export function baselineConfig(d: BaselineRule, timezone: string, allowedLatenessMs: number): BaselineConfig {
  return {
    sensitivity: d.sensitivity,
    direction: d.direction ?? 'both',
    seasonality: d.seasonality ?? 'none',
    timezone,
    historySize: d.historySize,
    minHistory: d.minHistory,
    newExtremesOnly: d.newExtremesOnly ?? false,
    meanWindow: d.meanWindow ?? null,
    volatilityWindow: d.volatilityWindow ?? null,
    contextWindow: d.contextWindow ?? null,
    quietPeriod: d.quietPeriod ?? 0,
    allowedLatenessMs,
  };
}

/**
 * Evidence of a baseline match: the event's value, its anomaly score (0-1),
 * what was judged (the value, or the window's mean, volatility or sequence
 * distance), the band's centre and edges and
 * the robust z, and with newExtremesOnly the high or low it broke. Judged
 * against the daily profile (seasonality auto), the value's band is brought
 * back to value units (profile + unit × band), and the profile is also shown;
 * a window's statistic stays in residual units (the slot's usual spread) and
 * says so.
 */
function baselineEvidence(
  d: BaselineRule,
  raw: unknown,
  s: BaselineScore & { anomalyScore: number },
): Record<string, unknown> {
  const [shift, unit] = s.seasonal && s.of === 'value' ? [s.seasonal.expected, s.seasonal.unit] : [0, 1];
  const suffix = s.seasonal ? ' off the daily profile, in usual deviations' : '';
  const judged =
    s.of === 'mean'
      ? { [`mean of last ${d.meanWindow}${suffix}`]: round(s.value) }
      : s.of === 'volatility'
        ? { [`mean change over last ${d.volatilityWindow}${suffix}`]: round(s.value) }
        : s.of === 'context'
          ? { [`distance of last ${d.contextWindow} to the nearest earlier such sequence`]: round(s.value) }
          : {};
  return {
    [d.field]: raw,
    'anomaly score': round(s.anomalyScore),
    ...judged,
    ...(s.seasonal ? { profile: round(s.seasonal.expected) } : {}),
    expected: round(shift + unit * s.median),
    low: round(shift + unit * s.low),
    high: round(shift + unit * s.high),
    z: round(s.z),
    // newExtremesOnly: the record it broke, in the same units.
    ...(d.newExtremesOnly
      ? s.z > 0
        ? { 'previous high': round(shift + unit * s.historyMax) }
        : { 'previous low': round(shift + unit * s.historyMin) }
      : {}),
  };
}

/** One event of a group as a baseline rule scores it (baselineScores). */
export interface BaselineScorePoint {
  eventId: string;
  eventTime: Date;
  /** The field's value; null when the event has none (not judged). */
  value: number | null;
  /** The anomaly score in [0, 1) (model.ts); null until the group has minHistory values, or not judged. */
  score: number | null;
  /** Whether the event matched: its score passed ANOMALY_THRESHOLD (0.5) outside a quiet period, or kept one open. */
  match: boolean;
}

/**
 * Replays a compiled baseline rule over `events` (event-time order) of the group `fingerprint`, from an empty state:
 * each judged event's anomaly score, as the engine computes it. Events of other groups, and those the rule's optional
 * condition does not select, are skipped; too-late events are reported as not judged. Cost: one model step per
 * event of the group (O(historySize × contextWindow) at most each). Throws when the rule is not a baseline.
 */
export function baselineScores(
  rule: CompiledRule,
  fingerprint: string,
  events: readonly { id: string; eventTime: Date; payload: Record<string, unknown> }[],
): BaselineScorePoint[] {
  const d = rule.definition;
  if (d.kind !== 'baseline') throw new Error(`rule ${rule.ruleId} is ${d.kind}, not baseline`);
  const config = baselineConfig(d, rule.timezone, ALLOWED_LATENESS_FOR_REPLAY);
  let state: BaselineState | undefined;
  const out: BaselineScorePoint[] = [];
  for (const e of events) {
    if (rule.group(e.payload).fingerprint !== fingerprint) continue;
    const cond = rule.condition ? rule.condition.run(e.payload) : ({ ok: true, value: true } as const);
    if (!(cond.ok && cond.value)) continue;
    const raw = e.payload[d.field];
    const value = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
    const t = e.eventTime.getTime();
    const r = stepBaseline(config, state, { id: e.id, t, value });
    state = r.state;
    out.push({
      eventId: e.id,
      eventTime: e.eventTime,
      value,
      score: r.anomalyScore,
      match: r.signals.some((s) => s.type === 'match'),
    });
  }
  return out;
}

/** A replay reads stored events in event-time order: none is late. */
const ALLOWED_LATENESS_FOR_REPLAY = Number.MAX_SAFE_INTEGER;
