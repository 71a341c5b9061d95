import {
  RULE_KIND_OPTIONS,
  RULE_OPTIONS,
  type AggregateFn,
  type CalendarPeriod,
  type ComparisonOp,
  type Direction,
  type Rule,
  type RuleBodyRequest,
  type Seasonality,
  type RuleKind,
  type RuleOptionKey,
  type Severity,
} from '../api/models';

/** The rule editor's state: every input as the form holds it (numbers as text until sent). */
export interface RuleDraft {
  name: string;
  description: string;
  kind: RuleKind;
  condition: string;
  groupBy: string[];
  severity: Severity;
  escalations: { when: string; severity: Severity }[];
  cooldown: string;
  resolveAfter: string;
  enabled: boolean;
  minCount: string;
  within: string;
  window: string;
  period: '' | CalendarPeriod;
  aggFn: AggregateFn;
  aggField: string;
  op: ComparisonOp;
  threshold: string;
  expectedGroups: string;
  field: string;
  sensitivity: string;
  direction: Direction;
  seasonality: Seasonality;
  /** Values whose mean is judged too ('' for values only). */
  meanWindow: string;
  /** Values whose mean absolute change is judged too ('' for none). */
  volatilityWindow: string;
  /** Values remembered per group ('' for the api's default, 500). */
  historySize: string;
  /** Only new highs or lows count. */
  newExtremesOnly: boolean;
}

/** The options each kind's form sets (RULE_KIND_OPTIONS without those left to their default). */
export const KIND_KEYS: Record<RuleKind, RuleOptionKey[]> = {
  immediate: formKeys('immediate'),
  sequence: formKeys('sequence'),
  absence: formKeys('absence'),
  aggregate: formKeys('aggregate'),
  baseline: formKeys('baseline'),
};
const ALL_KIND_KEYS = [...new Set(Object.values(KIND_KEYS).flat())];

function formKeys(kind: RuleKind): RuleOptionKey[] {
  return RULE_KIND_OPTIONS[kind].filter((k) => !RULE_OPTIONS[k].advanced);
}

export const KIND_HELP: Record<RuleKind, string> = {
  immediate: 'One event satisfies the condition.',
  sequence: 'N or more consecutive events of a group satisfy the condition, optionally within a time span.',
  absence: 'No (matching) event of a group for a while — fires on time even when nothing arrives.',
  aggregate: 'count, sum, avg, … over a sliding window or a calendar period, compared to a threshold.',
  baseline: 'A value leaves the band learned from its group’s recent history.',
};

export function emptyDraft(): RuleDraft {
  return {
    name: '',
    description: '',
    kind: 'immediate',
    condition: '',
    groupBy: [],
    severity: 'medium',
    escalations: [],
    cooldown: '',
    resolveAfter: '',
    enabled: true,
    minCount: '3',
    within: '',
    window: '5m',
    period: '',
    aggFn: 'count',
    aggField: '',
    op: '>=',
    threshold: '10',
    expectedGroups: '',
    field: '',
    sensitivity: '4',
    direction: 'both',
    seasonality: 'none',
    meanWindow: '',
    volatilityWindow: '',
    historySize: '',
    newExtremesOnly: false,
  };
}

export function draftOf(r: Rule): RuleDraft {
  const d = emptyDraft();
  const common: RuleDraft = {
    ...d,
    name: r.name,
    description: r.description ?? '',
    kind: r.kind,
    condition: r.condition ?? '',
    groupBy: r.groupBy,
    severity: r.severity,
    escalations: r.escalations,
    cooldown: r.cooldown ?? '',
    resolveAfter: r.resolveAfter ?? '',
    enabled: r.enabled,
  };
  switch (r.kind) {
    case 'immediate':
      return common;
    case 'sequence':
      return { ...common, minCount: String(r.minCount), within: r.within ?? '' };
    case 'absence':
      return { ...common, window: r.window, expectedGroups: (r.expectedGroups ?? []).join(', ') };
    case 'aggregate':
      return {
        ...common,
        window: r.window ?? '',
        period: r.period ?? '',
        aggFn: r.aggregate.fn,
        aggField: r.aggregate.field ?? '',
        op: r.op,
        threshold: String(r.threshold),
      };
    case 'baseline':
      return {
        ...common,
        field: r.field,
        sensitivity: String(r.sensitivity),
        direction: r.direction,
        seasonality: r.seasonality,
        meanWindow: r.meanWindow !== undefined ? String(r.meanWindow) : '',
        volatilityWindow: r.volatilityWindow !== undefined ? String(r.volatilityWindow) : '',
        historySize: String(r.historySize),
        newExtremesOnly: r.newExtremesOnly,
      };
  }
}

/** A number field's value: a number, or undefined when empty or not a number (the api then names it). */
const num = (s: string): number | undefined => (s.trim() !== '' && !Number.isNaN(Number(s)) ? Number(s) : undefined);

/**
 * The rule body the api takes (POST /rules, /rules/validate, /rules/backtest).
 * Kind options not given are left out, or sent as null when `clearOthers`: a
 * PATCH keeps the keys it is not sent, so an edit must clear what was emptied
 * and what an old kind had.
 */
export function toRuleBody(d: RuleDraft, clearOthers = false): RuleBodyRequest {
  const body: RuleBodyRequest = {
    name: d.name.trim(),
    kind: d.kind,
    severity: d.severity,
    groupBy: d.groupBy,
    escalations: d.escalations,
    enabled: d.enabled,
    cooldown: d.cooldown.trim() || null,
    resolveAfter: d.resolveAfter.trim() || null,
  };
  body.description = d.description.trim();
  if (d.kind !== 'baseline')
    body.condition = d.condition.trim() || (d.kind === 'absence' || d.kind === 'aggregate' ? null : '');
  else body.condition = null;
  if (clearOthers) for (const k of ALL_KIND_KEYS) Object.assign(body, { [k]: null });
  switch (d.kind) {
    case 'sequence':
      body.minCount = num(d.minCount);
      if (d.within.trim()) body.within = d.within.trim();
      break;
    case 'absence':
      body.window = d.window.trim();
      if (d.expectedGroups.trim())
        body.expectedGroups = d.expectedGroups
          .split(',')
          .map((g) => g.trim())
          .filter(Boolean);
      break;
    case 'aggregate':
      if (d.period) body.period = d.period;
      else body.window = d.window.trim();
      body.aggregate = d.aggFn === 'count' && !d.aggField ? { fn: 'count' } : { fn: d.aggFn, field: d.aggField };
      body.op = d.op;
      body.threshold = num(d.threshold);
      break;
    case 'baseline':
      body.field = d.field;
      body.sensitivity = num(d.sensitivity);
      body.direction = d.direction;
      body.seasonality = d.seasonality;
      if (d.meanWindow.trim()) body.meanWindow = num(d.meanWindow);
      if (d.volatilityWindow.trim()) body.volatilityWindow = num(d.volatilityWindow);
      if (d.historySize.trim()) body.historySize = num(d.historySize);
      body.newExtremesOnly = d.newExtremesOnly;
      break;
    case 'immediate':
      break;
  }
  return body;
}
