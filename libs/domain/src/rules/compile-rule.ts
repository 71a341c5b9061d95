import type { Severity } from '@anom/contracts';
import { severityRank } from '../alerts/severity';
import { alertFingerprint } from '../alerts/fingerprint';
import { stateKey } from '../state/state-store';
import { compileCondition, createConditionEnvironment, type CompiledCondition } from '../expression/condition';
import type { FieldDefinition } from '../schema/business-schema';
import type { RuleDefinition } from './rule-definition';

/** The group of an event under a rule. Shared between matches: read-only. */
export interface RuleGroup {
  /** The event's values of the rule's `groupBy` fields (missing values are null). */
  readonly groupKey: Readonly<Record<string, unknown>>;
  /** alertFingerprint(rule, groupKey). */
  readonly fingerprint: string;
  /** stateKey(rule, version, groupKey): where a stateful rule keeps this group's state. */
  readonly stateKey: string;
}

/** Groups remembered per compiled rule; beyond this the cache starts again (hashing is the cost it saves). */
export const GROUP_CACHE_MAX = 20_000;

/** A rule version compiled for evaluation. Build once per (rule id, version) and reuse. */
export interface CompiledRule {
  readonly ruleId: string;
  readonly version: number;
  readonly definition: RuleDefinition;
  /** Null for aggregate and absence rules without a condition: every event counts. */
  readonly condition: CompiledCondition | null;
  readonly escalations: readonly { condition: CompiledCondition; severity: Severity }[];
  /** Fields shown as evidence: those the condition and escalations reference. */
  readonly evidenceFields: readonly string[];
  /** IANA zone of the business, for calendar periods. */
  readonly timezone: string;
  /**
   * The group of `payload` under this rule, hashed once per group and
   * remembered across batches (up to GROUP_CACHE_MAX groups).
   */
  group(payload: Record<string, unknown>): RuleGroup;
  /** The evidence fields' values of `payload` (a fresh object; absent fields are undefined). */
  values(payload: Record<string, unknown>): Record<string, unknown>;
}

/**
 * Compiles a stored rule version against the schema it is evaluated with.
 * Throws an Error when the definition no longer type-checks (the schema
 * changed under it); callers skip such a rule and report it, they do not stop.
 */
export function compileRule(
  rule: { id: string; version: number; definition: RuleDefinition },
  fields: readonly FieldDefinition[],
  timezone = 'UTC',
): CompiledRule {
  const env = createConditionEnvironment(fields);
  const condition =
    rule.definition.condition === null ? null : compileCondition(rule.definition.condition, fields, '/condition', env);
  if (condition && !condition.ok)
    throw new Error(
      `rule ${rule.id} v${rule.version}: ${condition.errors.map((e) => `${e.pointer} ${e.detail}`).join('; ')}`,
    );
  const escalations = rule.definition.escalations.map((e, i) => {
    const c = compileCondition(e.when, fields, `/escalations/${i}/when`, env);
    if (!c.ok)
      throw new Error(
        `rule ${rule.id} v${rule.version}: ${c.errors.map((x) => `${x.pointer} ${x.detail}`).join('; ')}`,
      );
    return { condition: c.condition, severity: e.severity };
  });
  const d = rule.definition;
  // The field an aggregate or a baseline reads is evidence too.
  const readField = d.kind === 'aggregate' ? d.aggregate.field : d.kind === 'baseline' ? d.field : undefined;
  const evidenceFields = [
    ...new Set([
      ...(condition ? condition.condition.fields : []),
      ...escalations.flatMap((e) => e.condition.fields),
      ...(readField ? [readField] : []),
    ]),
  ];
  const by = rule.definition.groupBy;
  const build = (payload: Record<string, unknown>): RuleGroup => {
    const groupKey: Record<string, unknown> = {};
    for (const f of by) groupKey[f] = payload[f] ?? null;
    return {
      groupKey,
      fingerprint: alertFingerprint(rule.id, groupKey),
      stateKey: stateKey(rule.id, rule.version, groupKey),
    };
  };
  // One group-by field holding a string (the usual case): its values key a cache of their own,
  // so the lookup builds no string. Anything else goes through a memo of type and value.
  const byString = new Map<string, RuleGroup>();
  const byMemo = new Map<string, RuleGroup>();
  const only = by.length === 1 ? by[0] : null;
  const remember = (cache: Map<string, RuleGroup>, key: string, payload: Record<string, unknown>): RuleGroup => {
    const g = build(payload);
    if (cache.size >= GROUP_CACHE_MAX) cache.clear();
    cache.set(key, g);
    return g;
  };
  const group = (payload: Record<string, unknown>): RuleGroup => {
    const v = only === null ? undefined : payload[only];
    if (typeof v === 'string') return byString.get(v) ?? remember(byString, v, payload);
    const memo = groupMemo(by, payload);
    return byMemo.get(memo) ?? remember(byMemo, memo, payload);
  };
  const values = compileValues(evidenceFields);
  return {
    ruleId: rule.id,
    version: rule.version,
    definition: rule.definition,
    condition: condition ? condition.condition : null,
    escalations,
    evidenceFields,
    timezone,
    group,
    values,
  };
}

/**
 * A cheap string identifying the group of `payload` under the group-by
 * fields `by` (type and value of each), the cache key of CompiledRule.group.
 * Not a stored identifier: the fingerprint is.
 */
function groupMemo(by: readonly string[], payload: Record<string, unknown>): string {
  let memo = '';
  for (const g of by) {
    const v = payload[g] ?? null;
    memo += `${typeof v}:${String(v)}\u0000`;
  }
  return memo;
}

/**
 * A function building `{ [field]: payload[field] }` for the evidence fields as
 * one object literal (generated source, as the fast path is): one allocation
 * of a fixed shape per match instead of a property added at a time. Field
 * names enter the source only as JSON string literals.
 */
function compileValues(fields: readonly string[]): (payload: Record<string, unknown>) => Record<string, unknown> {
  const props = fields.map((f) => `${JSON.stringify(f)}: p[${JSON.stringify(f)}]`).join(', ');
  return new Function(`"use strict"; return function values(p) { return { ${props} }; };`)() as (
    payload: Record<string, unknown>,
  ) => Record<string, unknown>;
}

/** The severity of a match of `rule` on `payload`: its own, raised by the escalations that hold. */
export function severityOf(
  rule: Pick<CompiledRule, 'definition' | 'escalations'>,
  payload: Record<string, unknown>,
): Severity {
  let severity = rule.definition.severity;
  for (const esc of rule.escalations) {
    const r = esc.condition.run(payload);
    if (r.ok && r.value && severityRank(esc.severity) > severityRank(severity)) severity = esc.severity;
  }
  return severity;
}
