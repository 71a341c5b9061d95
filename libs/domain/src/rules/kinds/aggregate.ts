import {
  AGGREGATE_FNS,
  CALENDAR_PERIODS,
  COMPARISON_OPS,
  type AggregateFn,
  type AggregateRule,
  type CalendarPeriod,
  type ComparisonOp,
} from '@anom/contracts';
import { parseDuration } from '../../duration';
import { stepAggregate, type AggregateConfig, type AggregateSignal, type AggregateState } from '../aggregate';
import { DAY_MS, HOUR_MS, reportEventSignals, type RuleKindModule } from './kind';
import { optionalDuration, round, spanMs } from './parse-helpers';

const PERIOD_MS = { day: DAY_MS, week: 7 * DAY_MS, month: 31 * DAY_MS } as const;

/** `count`, `avg(cpu_percent)`: how an aggregate value is labelled in evidence. */
export function aggregateLabel(d: Pick<AggregateRule, 'aggregate'>): string {
  return d.aggregate.field ? `${d.aggregate.fn}(${d.aggregate.field})` : d.aggregate.fn;
}

/** `aggregate`: a function of a group's events over a sliding window or calendar period, against a threshold. */
export const aggregateKind: RuleKindModule<'aggregate'> = {
  kind: 'aggregate',
  conditionOptional: true,
  stateful: true,
  parse({ body, fields, errors }) {
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
  },
  defaultForgetAfterMs: (d) =>
    d.period ? 2 * PERIOD_MS[d.period] : Math.max(10 * (spanMs(d.window) ?? HOUR_MS), HOUR_MS),
  step(rule, allowedLatenessMs) {
    const d = rule.definition;
    const config: AggregateConfig = {
      fn: d.aggregate.fn,
      windowMs: d.window ? parseDuration(d.window) : null,
      period: d.period ?? null,
      timezone: rule.timezone,
      op: d.op,
      threshold: d.threshold,
      allowedLatenessMs,
      maxPoints: 100_000,
    };
    const field = d.aggregate.field;
    const label = aggregateLabel(d);
    return (state, { e, group, holds, t, wt }, out) => {
      const raw = field ? e.payload[field] : null;
      const value = typeof raw === 'number' || typeof raw === 'string' ? raw : null;
      const r = stepAggregate(config, state as AggregateState | undefined, {
        id: e.id,
        t,
        wt,
        included: holds && (field === undefined || value !== null),
        value,
      });
      reportEventSignals(rule, { e, group }, r.signals, out, (s: Extract<AggregateSignal, { type: 'match' }>) => ({
        [label]: round(s.value),
        events: s.points,
      }));
      return r.state;
    };
  },
};
