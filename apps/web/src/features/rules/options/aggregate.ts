import {
  AGGREGATE_FNS,
  CALENDAR_PERIODS,
  COMPARISON_OPS,
  type AggregateFn,
  type CalendarPeriod,
  type ComparisonOp,
} from '../../../api/models';
import { numericFieldNames } from '../../../fields';
import { oneOf } from '../../../one-of';
import { num, type KindForm } from './types';

/** The aggregate inputs (`window` is shared with absence's; '' period: a sliding window). */
export interface AggregateDraft {
  window: string;
  period: '' | CalendarPeriod;
  aggFn: AggregateFn;
  aggField: string;
  op: ComparisonOp;
  threshold: string;
}

/** aggregate: the function and its field, the comparison, and a sliding window or a calendar period. */
export const aggregateForm: KindForm<'aggregate', AggregateDraft> = {
  defaults: { window: '5m', period: '', aggFn: 'count', aggField: '', op: '>=', threshold: '10' },
  fromRule: (r) => ({
    window: r.window ?? '',
    period: r.period ?? '',
    aggFn: r.aggregate.fn,
    aggField: r.aggregate.field ?? '',
    op: r.op,
    threshold: String(r.threshold),
  }),
  toBody: (d) => ({
    ...(d.period ? { period: d.period } : { window: d.window.trim() }),
    aggregate: d.aggFn === 'count' && !d.aggField ? { fn: 'count' } : { fn: d.aggFn, field: d.aggField },
    op: d.op,
    threshold: num(d.threshold),
  }),
  inputs: [
    {
      type: 'select',
      label: 'Function',
      pointer: '/aggregate',
      width: 150,
      value: (d) => d.aggFn,
      choices: () => AGGREGATE_FNS,
      toDraft: (v) => ({ aggFn: oneOf(AGGREGATE_FNS, v) }),
    },
    {
      type: 'select',
      label: 'Of field',
      pointer: '/aggregate/field',
      width: 180,
      value: (d) => d.aggField,
      choices: (d, business) => [
        { value: '', label: 'events (count)' },
        ...(d.aggFn === 'count_distinct' ? business.fields.map((f) => f.name) : numericFieldNames(business.fields)),
      ],
      toDraft: (v) => ({ aggField: v }),
    },
    {
      type: 'select',
      label: 'Compared',
      pointer: '/op',
      width: 100,
      value: (d) => d.op,
      choices: () => COMPARISON_OPS,
      toDraft: (v) => ({ op: oneOf(COMPARISON_OPS, v) }),
    },
    { type: 'number', key: 'threshold', label: 'Threshold', pointer: '/threshold', width: 130 },
    {
      type: 'select',
      label: 'Over',
      pointer: '/period',
      width: 150,
      value: (d) => d.period || 'window',
      choices: () => [
        { value: 'window', label: 'a sliding window' },
        ...CALENDAR_PERIODS.map((p) => ({ value: p, label: `the ${p}` })),
      ],
      toDraft: (v) => ({ period: v === 'window' ? '' : oneOf(CALENDAR_PERIODS, v) }),
    },
    {
      type: 'text',
      key: 'window',
      label: 'Window',
      pointer: '/window',
      help: 'e.g. 3m',
      width: 120,
      visible: (d) => !d.period,
    },
  ],
};
