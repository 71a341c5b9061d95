import type { AlertEvent, AlertStatus, Severity } from '@anom/contracts';
import { parseDuration } from '../duration';
import type { RuleMatch } from '../rules/evaluate-immediate';
import { EVIDENCE_SAMPLES, alertSummary, foldMatches, type AlertCandidate, type SummaryRule } from './alert-candidate';
import { maxSeverity, severityRank } from './severity';

/**
 * The alert lifecycle, as pure functions: what an evaluation's candidates do
 * to the alerts of their fingerprints (open, update, escalate, stay quiet in
 * cooldown), when an alert resolves itself, and which notification channels
 * hear of each transition (routing by event and minimum severity, silences).
 * The store loads a snapshot, calls these, and writes the plan as it is;
 * `lifecycle.spec.ts` is the table that defines the behaviour.
 *
 * The lifecycle follows Prometheus Alertmanager's and Grafana's: one alert
 * per rule and group key (the fingerprint) while it is active, a person
 * acknowledges or resolves it, and a silence mutes notifications without
 * hiding the alert (Alertmanager "Silences"; Grafana "Notification policies").
 */

/** Evidence an alert keeps: its last EVIDENCE_SAMPLES matched events. */
export interface AlertEvidence {
  samples: { eventId: string; eventTime: string; values: Record<string, unknown> }[];
}

/** A candidate (all matches of one fingerprint in an evaluation) with what its rule says about the lifecycle. */
export interface LifecycleCandidate extends AlertCandidate {
  /** The one-line summary the alert shows. */
  summary: string;
  /** The rule's resolveAfter in ms (null: only people resolve). */
  resolveAfterMs: number | null;
  /** Immediate rules: each match is momentary, so the condition counts as cleared right after it. */
  momentary: boolean;
  /** The rule's cooldown in ms: how long after a resolve the fingerprint stays quiet (null: none). */
  cooldownMs?: number | null;
}

/** An open or acknowledged alert of a candidate's fingerprint, as stored (and locked) when the plan is made. */
export interface ActiveAlert {
  id: string;
  fingerprint: string;
  status: AlertStatus;
  severity: Severity;
  evidence: AlertEvidence | null;
  /** When its episode ended by event time (the clear's, or an immediate rule's last match), or null. */
  clearedEventTime?: Date | string | null;
}

/** A notification channel as routing sees it. */
export interface ChannelRoute {
  id: string;
  /** The transitions it announces. */
  events: readonly AlertEvent[];
  /** Alerts below this severity are not announced on it. */
  minSeverity: Severity;
}

/** A silence in force at the plan's time. */
export interface SilenceInForce {
  id: string;
  /** Only this rule's alerts, or every rule's (null). */
  ruleId: string | null;
  /** The alert's group key must hold each of these field values ({}: every group). */
  groupKey: Record<string, unknown>;
  endsAt: Date;
}

/** Where transitions of one business may be announced, at the plan's time. */
export interface Routing {
  channels: readonly ChannelRoute[];
  silences: readonly SilenceInForce[];
}

/** What the store knows when the plan is made. */
export interface AlertSnapshot {
  /** Active (open or acknowledged) alerts by fingerprint. */
  active: ReadonlyMap<string, ActiveAlert>;
  /** For a fingerprint without an active alert: the newest alert resolved less than its rule's cooldown ago. */
  coolingDown: ReadonlyMap<string, string>;
  /** `ruleId/eventId` of the matches not counted before (a re-evaluated batch counts nothing twice). */
  fresh: ReadonlySet<string>;
  /** Channels and silences of the business: where the plan's transitions are announced. */
  routing: Routing;
}

/** A new alert row. */
export interface AlertInsert {
  id: string;
  ruleId: string;
  ruleVersion: number;
  fingerprint: string;
  groupKey: Record<string, unknown>;
  severity: Severity;
  /** Matches counted into it (fresh ones only). */
  count: number;
  startTime: Date;
  endTime: Date;
  summary: string;
  evidence: AlertEvidence;
  /** Set for momentary (immediate) matches: resolveAfter counts from now. */
  clearedAt: Date | null;
  /** Set for momentary matches too: the last match's event time, from which resolveAfter counts by event time. */
  clearedEventTime: Date | null;
  resolveAfterMs: number | null;
}

/** Changes to an active alert: `count` is added, the event-time span widens, the rest replaces. */
export type AlertUpdate = Omit<AlertInsert, 'ruleId' | 'fingerprint' | 'groupKey'>;

/** A transition to record (alert history); each is announced per `notifications`. */
export interface PlannedTransition {
  alertId: string;
  from: AlertStatus | null;
  to: AlertStatus;
  /** The severity after the transition (escalations and openings), null when unchanged. */
  severity: Severity | null;
  actor: string;
  note: string | null;
  event: AlertEvent;
}

/** One notification to record: `pending` for the notify queue, or `silenced` by a silence in force. */
export interface PlannedNotification {
  alertId: string;
  event: AlertEvent;
  channelId: string;
  status: 'pending' | 'silenced';
  silenceId: string | null;
}

/** What applying an evaluation's candidates does. */
export interface AlertPlan {
  /** Active alerts whose episode is over by event time (see episodeOver): resolved before the inserts. */
  resolves: string[];
  inserts: AlertInsert[];
  updates: AlertUpdate[];
  transitions: PlannedTransition[];
  notifications: PlannedNotification[];
  opened: string[];
  updated: string[];
  escalated: string[];
  /** Matches that were already counted (a re-evaluated batch). */
  alreadyCounted: number;
  /** Matches dropped because their fingerprint was resolved less than the rule's cooldown ago. */
  suppressed: number;
}

/**
 * The alert each candidate's matches count into: the fingerprint's active
 * alert, else the alert whose cooldown suppresses it (its matches are linked
 * to the resolved alert, not counted), else a new one (`newId`). Throws when
 * two candidates share a fingerprint (foldMatches gives one per fingerprint).
 */
export function alertIdsFor(
  candidates: readonly AlertCandidate[],
  snapshot: Pick<AlertSnapshot, 'active' | 'coolingDown'>,
  newId: () => string,
): string[] {
  const fingerprints = new Set(candidates.map((c) => c.fingerprint));
  if (fingerprints.size !== candidates.length) throw new Error('candidates must have distinct fingerprints');
  return candidates.map((c) => {
    const active = snapshot.active.get(c.fingerprint);
    if (active && !episodeOver(active, c)) return active.id;
    return snapshot.coolingDown.get(c.fingerprint) ?? newId();
  });
}

/**
 * Whether a candidate starts a new episode after its fingerprint's active alert: that alert's episode
 * ended by event time (`clearedEventTime`) at least the rule's resolveAfter before the candidate's first
 * match. Live, the wall-clock auto-resolve would have resolved it in between; replayed history (sent
 * faster than it happened) gets the same episodes this way. The cooldown still counts on the wall clock.
 */
export function episodeOver(
  active: Pick<ActiveAlert, 'clearedEventTime'>,
  c: Pick<LifecycleCandidate, 'startTime'> & { resolveAfterMs?: number | null },
): boolean {
  const ended = active.clearedEventTime;
  return (
    ended != null && c.resolveAfterMs != null && c.startTime.getTime() - new Date(ended).getTime() >= c.resolveAfterMs
  );
}

/**
 * The plan for an evaluation's candidates at wall-clock time `now`
 * (`alertIds` from alertIdsFor). Per candidate, its fresh matches only:
 * - none fresh: nothing (counted before);
 * - its fingerprint cooling down: suppressed (counted, linked to the resolved alert, no alert opens);
 * - no active alert: a new `open` alert with the candidate's severity, an `opened` transition;
 * - an active alert: count added, span widened, evidence the last EVIDENCE_SAMPLES samples,
 *   severity the higher of the two; an `escalated` transition when that is higher than before;
 * - an active alert whose episode is over by event time (episodeOver): it resolves (`resolved` by
 *   `auto`, announced), and the candidate opens a new alert.
 * Momentary (immediate) candidates set `clearedAt = now`, so resolveAfter counts from the last match
 * (and `clearedEventTime` to the last match's event time).
 * Notifications are routed with routeNotifications.
 */
export function planAlertChanges(
  candidates: readonly LifecycleCandidate[],
  snapshot: AlertSnapshot,
  alertIds: readonly string[],
  now: Date,
): AlertPlan {
  const plan: AlertPlan = {
    resolves: [],
    inserts: [],
    updates: [],
    transitions: [],
    notifications: [],
    opened: [],
    updated: [],
    escalated: [],
    alreadyCounted: 0,
    suppressed: 0,
  };
  const announced: AnnouncedAlert[] = [];
  candidates.forEach((c, i) => {
    const freshIds = new Set(c.eventIds.filter((e) => snapshot.fresh.has(`${c.ruleId}/${e}`)));
    plan.alreadyCounted += c.eventIds.length - freshIds.size;
    if (freshIds.size === 0) return;
    let current = snapshot.active.get(c.fingerprint);
    if (current && episodeOver(current, c)) {
      plan.resolves.push(current.id);
      plan.transitions.push({ ...autoResolveTransition(current), note: `${AUTO_RESOLVE_NOTE}, by event time` });
      announced.push({
        id: current.id,
        ruleId: c.ruleId,
        groupKey: c.groupKey,
        severity: current.severity,
        event: 'resolved',
      });
      current = undefined;
    }
    if (!current && snapshot.coolingDown.has(c.fingerprint)) {
      plan.suppressed += freshIds.size;
      return;
    }
    const id = alertIds[i];
    const newSamples = c.samples.filter((s) => freshIds.has(s.eventId));
    const common = {
      id,
      ruleVersion: c.ruleVersion,
      count: freshIds.size,
      startTime: c.startTime,
      endTime: c.endTime,
      summary: c.summary,
      clearedAt: c.momentary ? now : null,
      clearedEventTime: c.momentary ? c.endTime : null,
      resolveAfterMs: c.resolveAfterMs,
    };
    if (!current) {
      const insert = {
        ...common,
        ruleId: c.ruleId,
        fingerprint: c.fingerprint,
        groupKey: c.groupKey,
        severity: c.severity,
        evidence: { samples: newSamples },
      };
      plan.inserts.push(insert);
      const t = { alertId: id, from: null, to: 'open', severity: c.severity, actor: 'engine', note: null } as const;
      plan.transitions.push({ ...t, event: 'opened' });
      announced.push({ id, ruleId: c.ruleId, groupKey: c.groupKey, severity: c.severity, event: 'opened' });
      plan.opened.push(id);
      return;
    }
    const severity = maxSeverity(current.severity, c.severity);
    const samples = [...(current.evidence?.samples ?? []), ...newSamples].slice(-EVIDENCE_SAMPLES);
    plan.updates.push({ ...common, severity, evidence: { samples } });
    plan.updated.push(id);
    if (severityRank(severity) > severityRank(current.severity)) {
      plan.transitions.push({
        alertId: id,
        from: current.status,
        to: current.status,
        severity,
        actor: 'engine',
        note: `escalated from ${current.severity} to ${severity}`,
        event: 'escalated',
      });
      announced.push({ id, ruleId: c.ruleId, groupKey: c.groupKey, severity, event: 'escalated' });
      plan.escalated.push(id);
    }
  });
  plan.notifications = routeNotifications(announced, snapshot.routing);
  return plan;
}

/** A transition to announce, with what routing needs of its alert (severity after the transition). */
export interface AnnouncedAlert {
  id: string;
  ruleId: string;
  groupKey: Record<string, unknown>;
  severity: Severity;
  event: AlertEvent;
}

/**
 * The notifications of these transitions: one per enabled channel of the
 * business that announces the event and whose minimum severity the alert
 * meets. One that a silence in force matches (same rule or a business-wide
 * silence, and every field of the silence's group key equal in the alert's)
 * is recorded `silenced` with that silence — the one ending last — and not
 * delivered; the alert itself is raised as ever.
 */
export function routeNotifications(alerts: readonly AnnouncedAlert[], routing: Routing): PlannedNotification[] {
  const out: PlannedNotification[] = [];
  for (const a of alerts) {
    let silence: SilenceInForce | null = null;
    for (const s of routing.silences) if (silences(s, a) && (!silence || s.endsAt > silence.endsAt)) silence = s;
    for (const c of routing.channels) {
      if (!c.events.includes(a.event) || severityRank(a.severity) < severityRank(c.minSeverity)) continue;
      out.push({
        alertId: a.id,
        event: a.event,
        channelId: c.id,
        status: silence ? 'silenced' : 'pending',
        silenceId: silence?.id ?? null,
      });
    }
  }
  return out;
}

/** Whether silence `s` matches an alert of `ruleId` with `groupKey` (Alertmanager's equality matchers). */
export function silences(s: SilenceInForce, a: Pick<AnnouncedAlert, 'ruleId' | 'groupKey'>): boolean {
  if (s.ruleId !== null && s.ruleId !== a.ruleId) return false;
  return Object.entries(s.groupKey).every(
    ([field, value]) => Object.prototype.hasOwnProperty.call(a.groupKey, field) && a.groupKey[field] === value,
  );
}

/** An active alert as auto-resolve judges it. */
export interface ResolvableAlert {
  id: string;
  status: AlertStatus;
  /** When its condition last stopped holding (null: it still holds). */
  clearedAt: Date | null;
  resolveAfterMs: number | null;
}

/**
 * Whether an alert resolves itself at `now`: active, its rule has a
 * resolveAfter, and its condition has been clear that long (Grafana's
 * "Keep firing for" in reverse; Alertmanager's resolve_timeout).
 */
export function isAutoResolveDue(a: ResolvableAlert, now: Date): boolean {
  return (
    a.status !== 'resolved' &&
    a.resolveAfterMs !== null &&
    a.clearedAt !== null &&
    a.clearedAt.getTime() + a.resolveAfterMs <= now.getTime()
  );
}

/** The note of an automatic resolve, in the alert's history. */
export const AUTO_RESOLVE_NOTE = "condition clear for the rule's resolveAfter";

/** The `resolved` transition of an alert that auto-resolve resolves. */
export function autoResolveTransition(a: Pick<ResolvableAlert, 'id' | 'status'>): PlannedTransition {
  return {
    alertId: a.id,
    from: a.status,
    to: 'resolved',
    severity: null,
    actor: 'auto',
    note: AUTO_RESOLVE_NOTE,
    event: 'resolved',
  };
}

/** What the lifecycle needs of a rule: its summary fields, resolveAfter and cooldown (durations such as `15m`). */
export interface LifecycleRule {
  ruleId: string;
  definition: SummaryRule & { resolveAfter?: string | null; cooldown?: string | null };
}

/**
 * An evaluation's matches folded into one candidate per fingerprint
 * (foldMatches), each with its summary and its rule's resolveAfter and
 * cooldown in ms; immediate rules' matches are momentary. A match of a rule
 * not in `rules` keeps the rule id as summary and no lifecycle options.
 */
export function lifecycleCandidates(
  matches: readonly RuleMatch[],
  rules: readonly LifecycleRule[],
): LifecycleCandidate[] {
  const byId = new Map(rules.map((r) => [r.ruleId, r.definition]));
  return foldMatches(matches).map((c) => {
    const d = byId.get(c.ruleId);
    return { ...c, summary: alertSummary(d ?? c.ruleId, c), ...lifecycleOptions(d) };
  });
}

/**
 * What a rule's definition says about its alerts' lifecycle: resolveAfter and cooldown in ms (null: none),
 * and whether its matches are momentary (immediate rules). A missing definition has none of them.
 */
export function lifecycleOptions(
  d: LifecycleRule['definition'] | undefined,
): Pick<LifecycleCandidate, 'resolveAfterMs' | 'cooldownMs' | 'momentary'> {
  return {
    resolveAfterMs: d?.resolveAfter ? parseDuration(d.resolveAfter) : null,
    cooldownMs: d?.cooldown ? parseDuration(d.cooldown) : null,
    momentary: d?.kind === 'immediate',
  };
}
