import type { Severity } from '@anom/contracts';
import { severityRank } from '../alerts/severity';
import type { CompiledRule } from './compile-rule';
import { FAST_FALSE, FAST_MISSING } from '../expression/fast-path';

/** An event as the evaluator sees it. */
export interface EvaluationEvent {
  id: string;
  eventTime: Date;
  payload: Record<string, unknown>;
  /**
   * When the event was received (epoch ms), where known: a group's
   * watermark never moves past it, so an event dated ahead of its arrival
   * (within the ingest skew) cannot make the group's next events late.
   */
  receivedAt?: number;
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
export function evaluateImmediate(
  rules: readonly CompiledRule[],
  events: readonly EvaluationEvent[],
): { matches: RuleMatch[]; failures: EvaluationFailure[] } {
  const matches: RuleMatch[] = [];
  const failures: EvaluationFailure[] = [];
  for (const rule of rules) {
    if (!rule.definition.enabled || rule.definition.kind !== 'immediate' || !rule.condition) continue;
    // Per rule, the loop below reads only locals: it runs once per event and rule.
    const { run, fast } = rule.condition;
    const { ruleId, version, escalations, group, values } = rule;
    const baseSeverity = rule.definition.severity;
    const escalate = escalations.length > 0;
    for (let i = 0, n = events.length; i < n; i++) {
      const event = events[i];
      const payload = event.payload;
      // The generated fast path decides most events without a result object.
      const quick = fast === null ? FAST_MISSING : fast(payload);
      if (quick === FAST_FALSE) continue;
      if (quick === FAST_MISSING) {
        const r = run(payload);
        if (!r.ok) {
          failures.push({ ruleId, eventId: event.id, error: r.error });
          continue;
        }
        if (!r.value) continue;
      }
      let severity = baseSeverity;
      if (escalate) {
        for (const esc of escalations) {
          const e = esc.condition.run(payload);
          if (e.ok && e.value && severityRank(esc.severity) > severityRank(severity)) severity = esc.severity;
        }
      }
      const g = group(payload);
      matches.push({
        ruleId,
        ruleVersion: version,
        fingerprint: g.fingerprint,
        groupKey: g.groupKey,
        eventId: event.id,
        eventTime: event.eventTime,
        severity,
        values: values(payload),
      });
    }
  }
  return { matches, failures };
}
