import type { Severity } from '@anom/contracts';
import type { RuleMatch } from '../rules/evaluate-immediate';
import { maxSeverity } from './severity';

/** The group-key field of a rule's "group limit reached" alert (no schema field can have a space in its name). */
export const GROUP_LIMIT_KEY = 'group limit';

/** How many matched samples an alert keeps as evidence. */
export const EVIDENCE_SAMPLES = 20;

/** All matches of one fingerprint in a batch, folded into what an alert needs. */
export interface AlertCandidate {
  fingerprint: string;
  ruleId: string;
  ruleVersion: number;
  groupKey: Record<string, unknown>;
  severity: Severity;
  startTime: Date;
  endTime: Date;
  /** Every matched event id (the store counts those it has not seen before). */
  eventIds: string[];
  /** The last EVIDENCE_SAMPLES matches: event id, event time (ISO) and values. */
  samples: { eventId: string; eventTime: string; values: Record<string, unknown> }[];
}

/** Folds matches by fingerprint, keeping event-time order within each. */
export function foldMatches(matches: readonly RuleMatch[]): AlertCandidate[] {
  const byFingerprint = new Map<string, AlertCandidate>();
  const sorted = [...matches].sort((a, b) => a.eventTime.getTime() - b.eventTime.getTime());
  for (const m of sorted) {
    let c = byFingerprint.get(m.fingerprint);
    if (!c) {
      c = {
        fingerprint: m.fingerprint,
        ruleId: m.ruleId,
        ruleVersion: m.ruleVersion,
        groupKey: m.groupKey,
        severity: m.severity,
        startTime: m.eventTime,
        endTime: m.eventTime,
        eventIds: [],
        samples: [],
      };
      byFingerprint.set(m.fingerprint, c);
    }
    c.severity = maxSeverity(c.severity, m.severity);
    c.endTime = m.eventTime;
    c.eventIds.push(m.eventId);
    c.samples.push({ eventId: m.eventId, eventTime: m.eventTime.toISOString(), values: m.values });
    if (c.samples.length > EVIDENCE_SAMPLES) c.samples.shift();
  }
  return [...byFingerprint.values()];
}

/** What a summary needs to know of the rule. */
export interface SummaryRule {
  name: string;
  kind: string;
  window?: string | null;
  period?: string | null;
}

/**
 * One-line summary a person can read, by rule kind:
 * - immediate: `Tachycardia at rest: heart_rate=135, activity_level=3 (user_id=u-1)` (latest match);
 * - sequence: `Hypoxia: 3 consecutive, spo2_percent avg 90.3 min 89.5 (user_id=u-1)`;
 * - aggregate: `Error burst: count = 21 in 3m (service=api)`;
 * - absence: `No heartbeat: no event for 25m (service=api)`;
 * - baseline: `CPU off baseline: cpu_percent=97 outside 12.1–48.3 (usual 30.2, z 8.1) (service=api)`;
 * - any kind, a rule past its maxGroups (group key GROUP_LIMIT_KEY):
 *   `Sustained CPU: group limit reached — 1000 groups tracked; events of 12 new group(s) were not evaluated …`.
 */
export function alertSummary(
  rule: string | SummaryRule,
  candidate: Pick<AlertCandidate, 'groupKey' | 'samples'>,
): string {
  const r: SummaryRule = typeof rule === 'string' ? { name: rule, kind: 'immediate' } : rule;
  const last = candidate.samples[candidate.samples.length - 1];
  if (GROUP_LIMIT_KEY in candidate.groupKey) {
    return (
      `${r.name}: group limit reached — ${formatValue(candidate.groupKey[GROUP_LIMIT_KEY])} groups tracked; ` +
      `events of ${formatValue(last?.values.untracked_groups ?? 0)} new group(s) were not evaluated (raise ` +
      `maxGroups or lower forgetAfter)`
    );
  }
  const group = Object.entries(candidate.groupKey)
    .map(([k, v]) => `${k}=${formatValue(v)}`)
    .join(', ');
  const tail = group ? ` (${group})` : '';
  if (!last) return `${r.name}${tail}`;
  switch (r.kind) {
    case 'sequence': {
      // The whole run's statistics (kept in the rule's state across batches); older evidence without them: the
      // samples at hand.
      const run = last.values.run_stats as Record<string, { avg: number; min: number; max: number }> | undefined;
      const fields = Object.keys(last.values).filter((k) => k !== 'run' && k !== 'run_stats');
      const stats = fields
        .map((f) => {
          let s = run?.[f];
          if (!s) {
            const nums = candidate.samples.map((x) => x.values[f]).filter((v): v is number => typeof v === 'number');
            if (nums.length === 0) return null;
            s = { avg: nums.reduce((a, b) => a + b, 0) / nums.length, min: Math.min(...nums), max: Math.max(...nums) };
          }
          return `${f} avg ${formatValue(s.avg)} min ${formatValue(s.min)} max ${formatValue(s.max)}`;
        })
        .filter(Boolean);
      return (
        `${r.name}: ${formatValue(last.values.run ?? candidate.samples.length)} ` +
        `consecutive${stats.length ? `, ${stats.join('; ')}` : ''}${tail}`
      );
    }
    case 'aggregate': {
      const [label, value] = Object.entries(last.values).find(([k]) => k !== 'events') ?? ['value', undefined];
      const span = r.period ? `this ${r.period}` : `in ${r.window}`;
      return `${r.name}: ${label} = ${formatValue(value)} ${span}${tail}`;
    }
    case 'absence': {
      // A long silence also says since when (`no event for 4.6 years (since 2014-04-24)`).
      const since = typeof last.values.last_seen === 'string' ? last.values.last_seen.slice(0, 10) : null;
      const long = typeof last.values.silent_for === 'string' && / (days|years)$/.test(last.values.silent_for);
      const sinceText = long && since ? ` (since ${since})` : '';
      return `${r.name}: no event for ${formatValue(last.values.silent_for)}${sinceText}${tail}`;
    }
    case 'baseline': {
      const field = Object.keys(last.values)[0];
      return (
        `${r.name}: ${field}=${formatValue(last.values[field])} outside ` +
        `${formatValue(last.values.low)}–${formatValue(last.values.high)} (usual ` +
        `${formatValue(last.values.expected)}, z ${formatValue(last.values.z)})${tail}`
      );
    }
    default: {
      // A field the event did not carry is left out, not printed as null.
      const values = Object.entries(last.values)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => `${k}=${formatValue(v)}`)
        .join(', ');
      return `${r.name}${values ? `: ${values}` : ''}${tail}`;
    }
  }
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return v.length > 60 ? `${v.slice(0, 60)}…` : v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);
  return JSON.stringify(v) ?? 'null';
}
