import type { Severity } from '@anom/contracts';
import { compileCondition, createConditionEnvironment, type CompiledCondition } from '../expression/condition';
import type { FieldDefinition } from '../schema/business-schema';
import type { RuleDefinition } from './rule-definition';

/** A rule version compiled for evaluation. Build once per (rule id, version) and reuse. */
export interface CompiledRule {
  readonly ruleId: string;
  readonly version: number;
  readonly definition: RuleDefinition;
  readonly condition: CompiledCondition;
  readonly escalations: readonly { condition: CompiledCondition; severity: Severity }[];
  /** Fields shown as evidence: those the condition and escalations reference. */
  readonly evidenceFields: readonly string[];
}

/**
 * Compiles a stored rule version against the schema it is evaluated with.
 * Throws an Error when the definition no longer type-checks (the schema
 * changed under it); callers skip such a rule and report it, they do not stop.
 */
export function compileRule(rule: { id: string; version: number; definition: RuleDefinition }, fields: readonly FieldDefinition[]): CompiledRule {
  const env = createConditionEnvironment(fields);
  const condition = compileCondition(rule.definition.condition, fields, '/condition', env);
  if (!condition.ok) throw new Error(`rule ${rule.id} v${rule.version}: ${condition.errors.map((e) => `${e.pointer} ${e.detail}`).join('; ')}`);
  const escalations = rule.definition.escalations.map((e, i) => {
    const c = compileCondition(e.when, fields, `/escalations/${i}/when`, env);
    if (!c.ok) throw new Error(`rule ${rule.id} v${rule.version}: ${c.errors.map((x) => `${x.pointer} ${x.detail}`).join('; ')}`);
    return { condition: c.condition, severity: e.severity };
  });
  const evidenceFields = [...new Set([...condition.condition.fields, ...escalations.flatMap((e) => e.condition.fields)])];
  return { ruleId: rule.id, version: rule.version, definition: rule.definition, condition: condition.condition, escalations, evidenceFields };
}
