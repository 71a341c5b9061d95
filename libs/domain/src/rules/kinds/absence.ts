import { observeAbsence, type AbsenceGroupState } from '../absence';
import { DAY_MS, HOUR_MS, type RuleKindModule } from './kind';
import { optionalDuration, spanMs } from './parse-helpers';

/** An absence group's state (one state key per group, see absenceStateKey in evaluate-batch.ts). */
export type AbsenceGroupRecord = AbsenceGroupState & { key: Record<string, unknown> };

/**
 * `absence`: no (matching) event of a group for `window` (absence.ts). Only
 * signs of life (events the condition selects) reach the step; the silence
 * itself is judged by the absence tick (tickAbsenceRules).
 */
export const absenceKind: RuleKindModule<'absence'> = {
  kind: 'absence',
  conditionOptional: true,
  stateful: true,
  parse({ body, groupBy, errors }) {
    const window = optionalDuration(body.window, '/window', errors);
    if (window === null && (body.window === undefined || body.window === null))
      errors.push({ pointer: '/window', detail: 'an absence rule needs a window such as 20m' });
    let expectedGroups: string[] | undefined;
    // null, like absent, means none (an edit that empties the list sends null).
    if (body.expectedGroups !== undefined && body.expectedGroups !== null) {
      if (!Array.isArray(body.expectedGroups) || body.expectedGroups.some((g) => typeof g !== 'string' || g === ''))
        errors.push({ pointer: '/expectedGroups', detail: 'must be an array of non-empty strings' });
      else if (groupBy.length !== 1)
        errors.push({ pointer: '/expectedGroups', detail: 'needs exactly one groupBy field, whose values these are' });
      else expectedGroups = [...new Set(body.expectedGroups as string[])];
    }
    return { window: window as string, ...(expectedGroups ? { expectedGroups } : {}) };
  },
  // A silent group is what it watches: remembered at least a week.
  defaultForgetAfterMs: (d) => Math.max(10 * (spanMs(d.window) ?? HOUR_MS), 7 * DAY_MS),
  step(rule) {
    return (state, { key, group, wt, e }, out) => {
      const r = observeAbsence(key, state as AbsenceGroupRecord | undefined, wt);
      for (const s of r.signals)
        if (s.type === 'clear')
          out.clears.push({ ruleId: rule.ruleId, fingerprint: group.fingerprint, t: e.eventTime });
      return { ...r.state, key: group.groupKey } satisfies AbsenceGroupRecord;
    };
  },
};
