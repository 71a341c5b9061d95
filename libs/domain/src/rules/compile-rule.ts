import type { Severity } from '@anom/contracts';
import { compileCondition, createConditionEnvironment, type CompiledCondition } from '../expression/condition';
import type { FieldDefinition } from '../schema/business-schema';
import type { RuleDefinition } from './rule-definition';

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
}

/**
 * Compiles a stored rule version against the schema it is evaluated with.
 * Throws an Error when the definition no longer type-checks (the schema
 * changed under it); callers skip such a rule and report it, they do not stop.
 */
export function compileRule(rule: { id: string; version: number; definition: RuleDefinition }, fields: readonly FieldDefinition[], timezone = 'UTC'): CompiledRule {
  const env = createConditionEnvironment(fields);
  const condition = rule.definition.condition === null ? null : compileCondition(rule.definition.condition, fields, '/condition', env);
  if (condition && !condition.ok) throw new Error(`rule ${rule.id} v${rule.version}: ${condition.errors.map((e) => `${e.pointer} ${e.detail}`).join('; ')}`);
  const escalations = rule.definition.escalations.map((e, i) => {
    const c = compileCondition(e.when, fields, `/escalations/${i}/when`, env);
    if (!c.ok) throw new Error(`rule ${rule.id} v${rule.version}: ${c.errors.map((x) => `${x.pointer} ${x.detail}`).join('; ')}`);
    return { condition: c.condition, severity: e.severity };
  });
  const aggregateField = rule.definition.aggregate?.field;
  const evidenceFields = [...new Set([...(condition ? condition.condition.fields : []), ...escalations.flatMap((e) => e.condition.fields), ...(aggregateField ? [aggregateField] : [])])];
  return { ruleId: rule.id, version: rule.version, definition: rule.definition, condition: condition ? condition.condition : null, escalations, evidenceFields, timezone };
}
