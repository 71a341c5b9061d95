import {
  RULE_KIND_OPTIONS,
  RULE_OPTIONS,
  type Rule,
  type RuleBodyRequest,
  type RuleKind,
  type RuleOptionKey,
  type Severity,
} from '../../api/models';
import {
  absenceForm,
  aggregateForm,
  baselineForm,
  sequenceForm,
  type AbsenceDraft,
  type AggregateDraft,
  type BaselineDraft,
  type SequenceDraft,
} from './options';

/** The inputs every rule has. */
export interface CommonDraft {
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
}

/**
 * The rule editor's state: every input as the form holds it (numbers as text
 * until sent), the common ones and each kind's (options/<kind>-options.tsx),
 * so that switching kinds keeps what was typed.
 */
export type RuleDraft = CommonDraft & SequenceDraft & AbsenceDraft & AggregateDraft & BaselineDraft;

/** The options each kind's form sets (RULE_KIND_OPTIONS without those left to their default). */
export const KIND_KEYS: Record<RuleKind, RuleOptionKey[]> = {
  immediate: formKeys('immediate'),
  sequence: formKeys('sequence'),
  absence: formKeys('absence'),
  aggregate: formKeys('aggregate'),
  baseline: formKeys('baseline'),
};
/** Every option some kind's form sets. */
export const ALL_FORM_KEYS = [...new Set(Object.values(KIND_KEYS).flat())];

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
    ...sequenceForm.defaults,
    ...absenceForm.defaults,
    ...aggregateForm.defaults,
    ...baselineForm.defaults,
  };
}

/** The draft of a saved rule: its common settings and its kind's options (other kinds keep their defaults). */
export function draftOf(r: Rule): RuleDraft {
  const d: RuleDraft = {
    ...emptyDraft(),
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
      return d;
    case 'sequence':
      return { ...d, ...sequenceForm.fromRule(r) };
    case 'absence':
      return { ...d, ...absenceForm.fromRule(r) };
    case 'aggregate':
      return { ...d, ...aggregateForm.fromRule(r) };
    default:
      return { ...d, ...baselineForm.fromRule(r) };
  }
}

/** The body's options of the draft's kind. */
function kindOptions(d: RuleDraft): RuleBodyRequest {
  switch (d.kind) {
    case 'immediate':
      return {};
    case 'sequence':
      return sequenceForm.toBody(d);
    case 'absence':
      return absenceForm.toBody(d);
    case 'aggregate':
      return aggregateForm.toBody(d);
    default:
      return baselineForm.toBody(d);
  }
}

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
  if (clearOthers) for (const k of ALL_FORM_KEYS) Object.assign(body, { [k]: null });
  Object.assign(body, kindOptions(d));
  return body;
}
