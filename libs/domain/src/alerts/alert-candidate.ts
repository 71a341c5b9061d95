import type { Severity } from '@anom/contracts';
import type { RuleMatch } from '../rules/evaluate-immediate';
import { maxSeverity } from './severity';

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
      c = { fingerprint: m.fingerprint, ruleId: m.ruleId, ruleVersion: m.ruleVersion, groupKey: m.groupKey, severity: m.severity, startTime: m.eventTime, endTime: m.eventTime, eventIds: [], samples: [] };
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

/**
 * One-line summary a person can read: rule name, the latest matched values and
 * the group, e.g. `Tachycardia at rest: heart_rate=135, activity_level=3 (user_id=u-1)`.
 */
export function alertSummary(ruleName: string, candidate: Pick<AlertCandidate, 'groupKey' | 'samples'>): string {
  const last = candidate.samples[candidate.samples.length - 1];
  const values = last ? Object.entries(last.values).map(([k, v]) => `${k}=${formatValue(v)}`).join(', ') : '';
  const group = Object.entries(candidate.groupKey).map(([k, v]) => `${k}=${formatValue(v)}`).join(', ');
  return `${ruleName}${values ? `: ${values}` : ''}${group ? ` (${group})` : ''}`;
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return v.length > 60 ? `${v.slice(0, 60)}…` : v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);
  return JSON.stringify(v) ?? 'null';
}
