import type { Severity } from '@anom/contracts';
import { alertFingerprint } from '../alerts/fingerprint';
import { severityRank } from '../alerts/severity';
import type { CompiledRule } from './compile-rule';

/** An event as the evaluator sees it. */
export interface EvaluationEvent {
  id: string;
  eventTime: Date;
  payload: Record<string, unknown>;
}

/** One event satisfying one rule. */
export interface RuleMatch {
  ruleId: string;
  ruleVersion: number;
  fingerprint: string;
  groupKey: Record<string, unknown>;
  eventId: string;
  eventTime: Date;
  severity: Severity;
  /** Values of the fields the rule references, as the event carried them. */
  values: Record<string, unknown>;
}

/** A rule that could not be evaluated on an event (a CEL runtime error). */
export interface EvaluationFailure {
  ruleId: string;
  eventId: string;
  error: string;
}

/**
 * Immediate rules: an event matches when the rule's condition holds for it.
 * Severity is the rule's, raised to the highest escalation whose `when` also
 * holds for that event. The group key is the event's values of `groupBy`
 * (missing values are `null`), so each group gets its own fingerprint.
 *
 * Errors are values: a failing condition is reported in `failures` and the
 * batch goes on. Disabled rules are skipped.
 */
export function evaluateImmediate(rules: readonly CompiledRule[], events: readonly EvaluationEvent[]): { matches: RuleMatch[]; failures: EvaluationFailure[] } {
  const matches: RuleMatch[] = [];
  const failures: EvaluationFailure[] = [];
  for (const rule of rules) {
    if (!rule.definition.enabled || rule.definition.kind !== 'immediate' || !rule.condition) continue;
    // Hashing is the costly part of a match: one fingerprint per group per batch.
    const fingerprints = new Map<string, string>();
    for (const event of events) {
      const r = rule.condition.run(event.payload);
      if (!r.ok) {
        failures.push({ ruleId: rule.ruleId, eventId: event.id, error: r.error });
        continue;
      }
      if (!r.value) continue;
      let severity = rule.definition.severity;
      for (const esc of rule.escalations) {
        const e = esc.condition.run(event.payload);
        if (e.ok && e.value && severityRank(esc.severity) > severityRank(severity)) severity = esc.severity;
      }
      const groupKey: Record<string, unknown> = {};
      for (const g of rule.definition.groupBy) groupKey[g] = event.payload[g] ?? null;
      const memo = groupMemo(rule, event.payload);
      let fingerprint = fingerprints.get(memo);
      if (fingerprint === undefined) {
        fingerprint = alertFingerprint(rule.ruleId, groupKey);
        fingerprints.set(memo, fingerprint);
      }
      const values: Record<string, unknown> = {};
      for (const f of rule.evidenceFields) values[f] = event.payload[f];
      matches.push({
        ruleId: rule.ruleId,
        ruleVersion: rule.version,
        fingerprint,
        groupKey,
        eventId: event.id,
        eventTime: event.eventTime,
        severity,
        values,
      });
    }
  }
  return { matches, failures };
}

/**
 * A cheap string identifying the group of `payload` under `rule`'s group-by
 * fields (type and value of each, NUL-separated), for memoising fingerprints
 * and state keys per group within a batch. Not a stored identifier: the
 * fingerprint (alerts/fingerprint.ts) is.
 */
export function groupMemo(rule: CompiledRule, payload: Record<string, unknown>): string {
  let memo = '';
  for (const g of rule.definition.groupBy) {
    const v = payload[g] ?? null;
    memo += `${typeof v}:${String(v)}\u0000`;
  }
  return memo;
}
