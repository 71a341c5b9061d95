import { DIRECTIONS, SEASONALITIES, type BaselineRule, type Direction, type Seasonality } from '@anom/contracts';
import {
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
      field: f?.name as string,
      sensitivity: sensitivity as number,
      direction,
      seasonality,
      historySize: historySize as number,
      minHistory: minHistory as number,
      newExtremesOnly: body.newExtremesOnly === true,
      ...windows,
    };
  },
  defaultForgetAfterMs: () => MAX_FORGET_AFTER_MS,
  step(rule, allowedLatenessMs) {
    const d = rule.definition;
    const config: BaselineConfig = {
      sensitivity: d.sensitivity,
      direction: d.direction ?? 'both',
      seasonality: d.seasonality ?? 'none',
      timezone: rule.timezone,
      historySize: d.historySize,
      minHistory: d.minHistory,
      newExtremesOnly: d.newExtremesOnly ?? false,
      meanWindow: d.meanWindow ?? null,
      volatilityWindow: d.volatilityWindow ?? null,
      allowedLatenessMs,
    };
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
 * Evidence of a baseline match: the event's value, what was judged (the
 * value, or the window's mean or volatility), the band's centre and edges and
 * the robust z, and with newExtremesOnly the high or low it broke. Judged
 * against the daily profile (seasonality auto), the value's band is brought
 * back to value units (profile + unit × band), and the profile is also shown;
 * a window's statistic stays in residual units (the slot's usual spread) and
 * says so.
 */
function baselineEvidence(d: BaselineRule, raw: unknown, s: BaselineScore): Record<string, unknown> {
  const [shift, unit] = s.seasonal && s.of === 'value' ? [s.seasonal.expected, s.seasonal.unit] : [0, 1];
  const suffix = s.seasonal ? ' off the daily profile, in usual deviations' : '';
  const judged =
    s.of === 'mean'
      ? { [`mean of last ${d.meanWindow}${suffix}`]: round(s.value) }
      : s.of === 'volatility'
        ? { [`mean change over last ${d.volatilityWindow}${suffix}`]: round(s.value) }
        : {};
  return {
    [d.field]: raw,
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
