import type { Severity } from '@anom/contracts';
import { parseDuration } from '../../duration';
import { severityOf } from '../compile-rule';
import { MAX_FORGET_AFTER_MS } from '../limits';
import { stepSequence, type RunStat, type SequenceConfig, type SequenceState } from '../sequence';
import { HOUR_MS, type RuleKindModule } from './kind';
import { optionalDuration, spanMs } from './parse-helpers';

/** `sequence`: minCount or more consecutive matching events of a group, optionally within a span (sequence.ts). */
export const sequenceKind: RuleKindModule<'sequence'> = {
  kind: 'sequence',
  conditionOptional: false,
  stateful: true,
  parse({ body, errors }) {
    const minCount = body.minCount;
    if (typeof minCount !== 'number' || !Number.isInteger(minCount) || minCount < 2 || minCount > 1000)
      errors.push({ pointer: '/minCount', detail: 'must be an integer from 2 to 1000' });
    if (body.condition === undefined || body.condition === null)
      errors.push({ pointer: '/condition', detail: 'a sequence rule needs a condition' });
    return { minCount: minCount as number, within: optionalDuration(body.within, '/within', errors) };
  },
  defaultForgetAfterMs: (d) => (d.within ? Math.max(10 * (spanMs(d.within) ?? HOUR_MS), HOUR_MS) : MAX_FORGET_AFTER_MS),
  step(rule, allowedLatenessMs) {
    const d = rule.definition;
    const config: SequenceConfig = {
      minCount: d.minCount,
      withinMs: d.within ? parseDuration(d.within) : null,
      allowedLatenessMs,
    };
    return (state, { e, group, holds, t, wt }, out) => {
      const severity = holds ? severityOf(rule, e.payload) : undefined;
      const r = stepSequence(config, state as SequenceState | undefined, {
        id: e.id,
        t,
        wt,
        values: rule.values(e.payload),
        matches: holds,
        severity,
      });
      for (const s of r.signals) {
        if (s.type === 'late') out.late.push({ ruleId: rule.ruleId, eventId: s.id });
        else if (s.type === 'episode-end')
          out.clears.push({ ruleId: rule.ruleId, fingerprint: group.fingerprint, t: new Date(s.t) });
        else
          for (const sample of s.samples)
            out.matches.push({
              ruleId: rule.ruleId,
              ruleVersion: rule.version,
              fingerprint: group.fingerprint,
              groupKey: group.groupKey,
              eventId: sample.id,
              eventTime: new Date(sample.t),
              severity: (sample.severity as Severity) ?? d.severity,
              // The run's statistics so far (all its events, across batches): what the summary reports.
              values: { ...sample.values, run: s.runLength, run_stats: runStatsView(s.stats) },
            });
      }
      return r.state;
    };
  },
};

/** Run statistics as evidence: per field, the average, minimum and maximum over the run. */
function runStatsView(stats: Record<string, RunStat>): Record<string, { avg: number; min: number; max: number }> {
  const out: Record<string, { avg: number; min: number; max: number }> = {};
  for (const [k, s] of Object.entries(stats)) out[k] = { avg: s.sum / s.n, min: s.min, max: s.max };
  return out;
}
