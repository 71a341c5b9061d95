import { randomUUID } from 'node:crypto';
import type { AlertCandidate } from '@anom/domain';
import { EVIDENCE_SAMPLES, maxSeverity, severityRank } from '@anom/domain';
import { SEVERITIES, type AlertEvent, type AlertStatus, type Severity } from '@anom/contracts';
import { SILENCE_MATCH } from '../silences/silence.repository';
import type { Database, PoolClient } from '../database';
import type { Prisma } from '../generated/prisma/client';

export interface AlertEvidence {
  samples: { eventId: string; eventTime: string; values: Record<string, unknown> }[];
}

/** An alert as the API returns it (DESIGN.md "API shapes"). */
export interface AlertRecord {
  id: string;
  businessId: string;
  ruleId: string;
  ruleVersion: number;
  fingerprint: string;
  groupKey: Record<string, unknown>;
  status: AlertStatus;
  severity: Severity;
  count: number;
  startTime: Date;
  endTime: Date;
  firstSeenAt: Date;
  lastSeenAt: Date;
  summary: string;
  evidence: AlertEvidence;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  note: string | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolveNote: string | null;
}

export interface AlertTransitionRecord {
  at: Date;
  fromStatus: AlertStatus | null;
  toStatus: AlertStatus;
  severity: Severity | null;
  actor: string;
  note: string | null;
}

export interface AlertFilter {
  businessId?: string;
  status?: AlertStatus[];
  severity?: Severity[];
  ruleId?: string;
  /** First seen in [from, to). */
  from?: Date;
  to?: Date;
  ids?: string[];
  limit: number;
  /** Keyset cursor: the (firstSeenAt, id) of the last alert of the previous page. */
  before?: { firstSeenAt: Date; id: string };
}

/** What applying a batch's candidates did, for logs and notifications. */
export interface ApplyOutcome {
  opened: string[];
  updated: string[];
  escalated: string[];
  /** Matches that were already counted (a re-evaluated batch). */
  alreadyCounted: number;
  /** Matches dropped because their fingerprint was resolved less than the rule's cooldown ago. */
  suppressed: number;
  /** Notifications queued by the transitions (to enqueue for delivery after commit). */
  notifications: string[];
}

export interface CandidateWithSummary extends AlertCandidate {
  summary: string;
  /** The rule's resolveAfter in ms (null: only people resolve). */
  resolveAfterMs: number | null;
  /** Immediate rules: each match is momentary, so the condition counts as cleared right after it. */
  momentary: boolean;
  /** The rule's cooldown in ms: how long after a resolve the fingerprint stays quiet. */
  cooldownMs?: number | null;
}

/** The end of an episode for a fingerprint (wall-clock `at` starts its resolveAfter). */
export interface ClearRecord {
  fingerprint: string;
}

type AlertRow = Prisma.AlertGetPayload<object>;

/** Alerts, their transitions, and which events each rule has counted. */
export class AlertRepository {
  constructor(private readonly db: Database) {}

  /**
   * Applies one evaluation's alert candidates on the caller's transaction, in
   * a fixed number of set-based statements whatever the number of candidates.
   * Candidates must have distinct fingerprints (foldMatches gives one per
   * fingerprint); throws otherwise.
   *
   * Idempotent: a match is counted once per (rule, event) through
   * `rule_match`, so re-evaluating a batch changes nothing. A fingerprint with
   * an open or acknowledged alert updates it (count, last seen, event-time
   * span, evidence, escalated severity); a fingerprint resolved less than its
   * rule's cooldown ago is suppressed (its matches are linked to the resolved
   * alert); otherwise a new alert opens. Openings and escalations are recorded
   * as transitions, which queue the business's notifications (see
   * insertTransitions).
   */
  async applyCandidates(
    client: PoolClient,
    businessId: string,
    candidates: readonly CandidateWithSummary[],
    now: Date,
  ): Promise<ApplyOutcome> {
    const outcome: ApplyOutcome = {
      opened: [],
      updated: [],
      escalated: [],
      alreadyCounted: 0,
      suppressed: 0,
      notifications: [],
    };
    if (candidates.length === 0) return outcome;
    const fingerprints = candidates.map((c) => c.fingerprint);
    if (new Set(fingerprints).size !== fingerprints.length)
      throw new Error('applyCandidates: candidates must have distinct fingerprints');

    // Ordered locking keeps two writers (the api acknowledging, the worker updating) from deadlocking.
    const activeRows = await client.query<{
      id: string;
      fingerprint: string;
      status: AlertStatus;
      severity: Severity;
      evidence: AlertEvidence;
    }>(
      'SELECT id, fingerprint, status, severity, evidence FROM alert WHERE fingerprint = ANY($1::text[]) AND ' +
        "status <> 'resolved' ORDER BY id FOR UPDATE",
      [fingerprints],
    );
    const active = new Map(activeRows.rows.map((r) => [r.fingerprint, r]));

    // Cooldown: the latest resolved alert of a quiet fingerprint, resolved less than cooldown ago.
    const cooling = candidates.filter((c) => !active.has(c.fingerprint) && c.cooldownMs);
    const suppressedBy = new Map<string, string>();
    if (cooling.length > 0) {
      const r = await client.query<{ fingerprint: string; id: string }>(
        `SELECT DISTINCT ON (a.fingerprint) a.fingerprint, a.id
           FROM unnest($1::text[], $2::timestamptz[]) AS u(fingerprint, since)
           JOIN alert a ON a.fingerprint = u.fingerprint AND a.status = 'resolved' AND a.resolved_at > u.since
          ORDER BY a.fingerprint, a.resolved_at DESC`,
        [cooling.map((c) => c.fingerprint), cooling.map((c) => new Date(now.getTime() - c.cooldownMs!))],
      );
      for (const row of r.rows) suppressedBy.set(row.fingerprint, row.id);
    }

    const alertIds = candidates.map(
      (c) => active.get(c.fingerprint)?.id ?? suppressedBy.get(c.fingerprint) ?? randomUUID(),
    );
    const ruleIds: string[] = [];
    const eventIds: string[] = [];
    const matchAlertIds: string[] = [];
    candidates.forEach((c, i) => {
      for (const e of c.eventIds) {
        ruleIds.push(c.ruleId);
        eventIds.push(e);
        matchAlertIds.push(alertIds[i]);
      }
    });
    const counted = await client.query<{ rule_id: string; event_id: string }>(
      `INSERT INTO rule_match (rule_id, event_id, alert_id) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[])
       ON CONFLICT DO NOTHING RETURNING rule_id, event_id`,
      [ruleIds, eventIds, matchAlertIds],
    );
    const fresh = new Set(counted.rows.map((r) => `${r.rule_id}/${r.event_id}`));

    const inserts: Record<string, unknown>[] = [];
    const updates: Record<string, unknown>[] = [];
    const transitions: TransitionRow[] = [];
    candidates.forEach((c, i) => {
      const freshIds = new Set(c.eventIds.filter((e) => fresh.has(`${c.ruleId}/${e}`)));
      outcome.alreadyCounted += c.eventIds.length - freshIds.size;
      if (freshIds.size === 0) return;
      if (suppressedBy.has(c.fingerprint)) {
        outcome.suppressed += freshIds.size;
        return;
      }
      const alertId = alertIds[i];
      const newSamples = c.samples.filter((s) => freshIds.has(s.eventId));
      const current = active.get(c.fingerprint);
      const common = {
        id: alertId,
        rule_version: c.ruleVersion,
        count: freshIds.size,
        start_time: c.startTime,
        end_time: c.endTime,
        summary: c.summary,
        cleared_at: c.momentary ? now : null,
        resolve_after_ms: c.resolveAfterMs,
      };
      if (!current) {
        inserts.push({
          ...common,
          rule_id: c.ruleId,
          fingerprint: c.fingerprint,
          group_key: c.groupKey,
          severity: c.severity,
          evidence: { samples: newSamples },
        });
        transitions.push({
          alertId,
          from: null,
          to: 'open',
          severity: c.severity,
          actor: 'engine',
          note: null,
          event: 'opened',
        });
        outcome.opened.push(alertId);
        return;
      }
      const severity = maxSeverity(current.severity, c.severity);
      const samples = [...(current.evidence?.samples ?? []), ...newSamples].slice(-EVIDENCE_SAMPLES);
      updates.push({ ...common, severity, evidence: { samples } });
      outcome.updated.push(alertId);
      if (severityRank(severity) > severityRank(current.severity)) {
        transitions.push({
          alertId,
          from: current.status,
          to: current.status,
          severity,
          actor: 'engine',
          note: `escalated from ${current.severity} to ${severity}`,
          event: 'escalated',
        });
        outcome.escalated.push(alertId);
      }
    });
    if (inserts.length > 0) {
      await client.query(
        `INSERT INTO alert (id, business_id, rule_id, rule_version, fingerprint, group_key, status, severity, count,
           start_time, end_time, first_seen_at, last_seen_at, summary, evidence, cleared_at, resolve_after_ms)
         SELECT x.id, $2, x.rule_id, x.rule_version, x.fingerprint, x.group_key, 'open', x.severity, x.count,
           x.start_time, x.end_time, $3, $3, x.summary, x.evidence, x.cleared_at, x.resolve_after_ms
           FROM jsonb_to_recordset($1::jsonb) AS x(${ALERT_RECORD}, rule_id uuid, fingerprint text, group_key jsonb)`,
        [JSON.stringify(inserts), businessId, now],
      );
    }
    if (updates.length > 0) {
      await client.query(
        `UPDATE alert a SET count = a.count + x.count, last_seen_at = $2,
           start_time = LEAST(a.start_time, x.start_time), end_time = GREATEST(a.end_time, x.end_time),
           severity = x.severity, summary = x.summary, evidence = x.evidence,
           rule_version = GREATEST(a.rule_version, x.rule_version), cleared_at = x.cleared_at,
           resolve_after_ms = x.resolve_after_ms
           FROM jsonb_to_recordset($1::jsonb) AS x(${ALERT_RECORD}) WHERE a.id = x.id`,
        [JSON.stringify(updates), now],
      );
    }
    outcome.notifications = await insertTransitions(client, transitions, now);
    return outcome;
  }

  /**
   * Marks the active alerts of these fingerprints as cleared at `now` (the
   * episode ended), unless already cleared; auto-resolve counts from there.
   */
  async applyClears(client: PoolClient, clears: readonly ClearRecord[], now: Date): Promise<number> {
    if (clears.length === 0) return 0;
    const r = await client.query(
      "UPDATE alert SET cleared_at = $2 WHERE fingerprint = ANY($1::text[]) AND status <> 'resolved' AND " +
        'cleared_at IS NULL',
      [[...new Set(clears.map((c) => c.fingerprint))], now],
    );
    return r.rowCount ?? 0;
  }

  /**
   * Resolves (`resolved_by = 'auto'`) every active alert whose condition has
   * been clear for its rule's resolveAfter. Returns the ids resolved and the
   * notifications queued for them.
   */
  async autoResolve(now: Date): Promise<{ resolved: string[]; notifications: string[] }> {
    return this.db.sqlTransaction(async (client) => {
      const r = await client.query<{ id: string; from_status: AlertStatus }>(
        `UPDATE alert a SET status = 'resolved', resolved_at = $1, resolved_by = 'auto',
                resolve_note = 'condition clear for the rule''s resolveAfter'
         FROM (SELECT id, status FROM alert
                WHERE status <> 'resolved' AND resolve_after_ms IS NOT NULL AND cleared_at IS NOT NULL
                 AND cleared_at + resolve_after_ms * interval '1 millisecond' <= $1 FOR UPDATE) old
         WHERE a.id = old.id RETURNING a.id, old.status AS from_status`,
        [now],
      );
      const notifications = await insertTransitions(
        client,
        r.rows.map((row) => ({
          alertId: row.id,
          from: row.from_status,
          to: 'resolved',
          severity: null,
          actor: 'auto',
          note: "condition clear for the rule's resolveAfter",
          event: 'resolved',
        })),
        now,
      );
      return { resolved: r.rows.map((x) => x.id), notifications };
    });
  }

  async findById(id: string): Promise<AlertRecord | null> {
    const row = await this.db.prisma.alert.findUnique({ where: { id } });
    return row ? toAlertRecord(row) : null;
  }

  async history(id: string): Promise<AlertTransitionRecord[]> {
    const rows = await this.db.prisma.alertTransition.findMany({ where: { alertId: id }, orderBy: { id: 'asc' } });
    return rows.map((r) => ({
      at: r.at,
      fromStatus: r.fromStatus as AlertStatus | null,
      toStatus: r.toStatus as AlertStatus,
      severity: r.severity as Severity | null,
      actor: r.actor,
      note: r.note,
    }));
  }

  /** Ids of the events counted into an alert, oldest first (at most `limit`). */
  async eventIds(id: string, limit: number): Promise<string[]> {
    const r = await this.db.pool.query<{ event_id: string }>(
      'SELECT event_id FROM rule_match WHERE alert_id = $1 LIMIT $2',
      [id, limit],
    );
    return r.rows.map((x) => x.event_id);
  }

  /**
   * Alerts of a business whose event-time start lies in [from, to), oldest first (at most `limit`), with their rule's
   * name (deleted rules included).
   */
  async startedIn(
    businessId: string,
    from: Date,
    to: Date,
    limit: number,
  ): Promise<(AlertRecord & { ruleName: string })[]> {
    const rows = await this.db.prisma.alert.findMany({
      where: { businessId, startTime: { gte: from, lt: to } },
      orderBy: { startTime: 'asc' },
      take: limit,
      include: { rule: { select: { name: true } } },
    });
    return rows.map((r) => ({ ...toAlertRecord(r), ruleName: r.rule.name }));
  }

  /** Newest first by first-seen time, keyset-paginated. */
  async list(f: AlertFilter): Promise<AlertRecord[]> {
    const where: Prisma.AlertWhereInput = {};
    if (f.businessId) where.businessId = f.businessId;
    if (f.status?.length) where.status = { in: f.status };
    if (f.severity?.length) where.severity = { in: f.severity };
    if (f.ruleId) where.ruleId = f.ruleId;
    if (f.from || f.to) where.firstSeenAt = { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) };
    if (f.ids) where.id = { in: f.ids };
    if (f.before) {
      where.OR = [
        { firstSeenAt: { lt: f.before.firstSeenAt } },
        { firstSeenAt: f.before.firstSeenAt, id: { lt: f.before.id } },
      ];
    }
    const rows = await this.db.prisma.alert.findMany({
      where,
      orderBy: [{ firstSeenAt: 'desc' }, { id: 'desc' }],
      take: f.limit,
    });
    return rows.map(toAlertRecord);
  }

  /**
   * Moves an alert from one of `from` to `to`, recording who and why.
   * Returns null when the alert is not in one of `from` (the caller reports why).
   */
  async transition(
    id: string,
    from: AlertStatus[],
    to: 'acknowledged' | 'resolved',
    actor: string,
    note: string | null,
    at: Date,
  ): Promise<{ alert: AlertRecord; notifications: string[] } | null> {
    const moved = await this.db.sqlTransaction(async (client) => {
      const current = await client.query<{ status: AlertStatus }>('SELECT status FROM alert WHERE id = $1 FOR UPDATE', [
        id,
      ]);
      const status = current.rows[0]?.status;
      if (!status || !from.includes(status)) return null;
      if (to === 'acknowledged') {
        await client.query(
          "UPDATE alert SET status = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3, note = $4 WHERE " +
            'id = $1',
          [id, at, actor, note],
        );
      } else {
        await client.query(
          "UPDATE alert SET status = 'resolved', resolved_at = $2, resolved_by = $3, resolve_note = $4 WHERE id = $1",
          [id, at, actor, note],
        );
      }
      return insertTransitions(client, [{ alertId: id, from: status, to, severity: null, actor, note, event: to }], at);
    });
    if (!moved) return null;
    const alert = await this.findById(id);
    return alert ? { alert, notifications: moved } : null;
  }
}

/** A row of alert_transition to write. */
interface TransitionRow {
  alertId: string;
  from: AlertStatus | null;
  to: AlertStatus;
  severity: Severity | null;
  actor: string;
  note: string | null;
  event: AlertEvent;
}

/** The columns of an alert row shared by inserts and updates, as jsonb_to_recordset reads them. */
const ALERT_RECORD =
  'id uuid, rule_version int, count int, start_time timestamptz, end_time timestamptz, summary text, cleared_at ' +
  'timestamptz, resolve_after_ms bigint, severity text, evidence jsonb';

/**
 * Records transitions and, in the same statement, queues one notification per
 * enabled channel of the alert's business that subscribes to the transition's
 * event and whose minimum severity the alert meets (the outbox of the notify
 * queue: a transition and its notifications commit together or not at all).
 * A notification whose alert a silence in force at `at` matches (see
 * SilenceRepository) is recorded as `silenced`, with that silence, and not
 * queued. Returns the ids of the notifications queued, for the caller to
 * enqueue after commit; the notification sweeper enqueues any it did not.
 */
async function insertTransitions(client: PoolClient, rows: readonly TransitionRow[], at: Date): Promise<string[]> {
  if (rows.length === 0) return [];
  const r = await client.query<{ id: string; status: string }>(
    `WITH t AS (
       INSERT INTO alert_transition (alert_id, at, from_status, to_status, severity, actor, note, event)
       SELECT x.alert_id, $2, x.from_status, x.to_status, x.severity, x.actor, x.note, x.event
         FROM jsonb_to_recordset($1::jsonb)
           AS x(alert_id uuid, from_status text, to_status text, severity text, actor text, note text, event text)
       RETURNING id, alert_id, event)
     INSERT INTO notification (id, alert_id, channel_id, transition_id, event, created_at, status, silence_id)
     SELECT gen_random_uuid(), t.alert_id, c.id, t.id, t.event, $2,
            CASE WHEN s.id IS NULL THEN 'pending' ELSE 'silenced' END, s.id
       FROM t JOIN alert a ON a.id = t.alert_id
       JOIN notification_channel c ON c.business_id = a.business_id AND c.enabled AND t.event = ANY(c.events)
       LEFT JOIN LATERAL (${SILENCE_MATCH('a', '$2')} LIMIT 1) s ON true
      WHERE array_position($3::text[], a.severity) >= array_position($3::text[], c.min_severity)
     RETURNING id, status`,
    [
      JSON.stringify(
        rows.map((x) => ({
          alert_id: x.alertId,
          from_status: x.from,
          to_status: x.to,
          severity: x.severity,
          actor: x.actor,
          note: x.note,
          event: x.event,
        })),
      ),
      at,
      SEVERITIES,
    ],
  );
  return r.rows.filter((x) => x.status === 'pending').map((x) => x.id);
}
/** An alert row as Prisma returns it, in the API's shape. */
export function toAlertRecord(r: AlertRow): AlertRecord {
  return {
    id: r.id,
    businessId: r.businessId,
    ruleId: r.ruleId,
    ruleVersion: r.ruleVersion,
    fingerprint: r.fingerprint,
    groupKey: r.groupKey as Record<string, unknown>,
    status: r.status as AlertStatus,
    severity: r.severity as Severity,
    count: r.count,
    startTime: r.startTime,
    endTime: r.endTime,
    firstSeenAt: r.firstSeenAt,
    lastSeenAt: r.lastSeenAt,
    summary: r.summary,
    evidence: r.evidence as unknown as AlertEvidence,
    acknowledgedAt: r.acknowledgedAt,
    acknowledgedBy: r.acknowledgedBy,
    note: r.note,
    resolvedAt: r.resolvedAt,
    resolvedBy: r.resolvedBy,
    resolveNote: r.resolveNote,
  };
}
