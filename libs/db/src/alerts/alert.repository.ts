import { randomUUID } from 'node:crypto';
import {
  AUTO_RESOLVE_NOTE,
  alertIdsFor,
  autoResolveTransition,
  isAutoResolveDue,
  planAlertChanges,
  routeNotifications,
  type ActiveAlert,
  type AlertEvidence,
  type AlertInsert,
  type AlertSnapshot,
  type AlertUpdate,
  type AnnouncedAlert,
  type ChannelRoute,
  type LifecycleCandidate,
  type PlannedNotification,
  type PlannedTransition,
  type Routing,
  type SilenceInForce,
} from '@anom/domain';
import type { AlertStatus, Severity } from '@anom/contracts';
import type { Database, PoolClient, Tx } from '../database';
import type { Prisma } from '../generated/prisma/client';

export type { AlertEvidence };

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

/** The end of an episode for a fingerprint (wall-clock `at` starts its resolveAfter; `t`, by event time, too). */
export interface ClearRecord {
  fingerprint: string;
  /** Event time the episode ended at (the clearing event's). */
  t: Date;
}

type AlertRow = Prisma.AlertGetPayload<object>;

/** Alerts, their transitions, and which events each rule has counted. */
export class AlertRepository {
  constructor(private readonly db: Database) {}

  /**
   * Applies one evaluation's alert candidates on the caller's transaction:
   * loads what the lifecycle needs in one statement (the fingerprints' active
   * alerts, locked; cooldowns; the business's channels and silences),
   * counts the matches (`rule_match`, so a re-evaluated batch counts nothing
   * twice), and writes the plan of @anom/domain
   * `planAlertChanges` as it is. Set-based: at most five statements whatever
   * the number of candidates (snapshot, rule_match, insert, update,
   * transitions with their notifications), three when active alerts are only
   * updated. Throws when two candidates share a fingerprint.
   */
  async applyCandidates(
    tx: Tx,
    businessId: string,
    candidates: readonly LifecycleCandidate[],
    now: Date,
  ): Promise<ApplyOutcome> {
    if (candidates.length === 0)
      return { opened: [], updated: [], escalated: [], alreadyCounted: 0, suppressed: 0, notifications: [] };
    const client = tx.sql;
    const { active, coolingDown, routing } = await loadSnapshot(client, businessId, candidates, now);
    const alertIds = alertIdsFor(candidates, { active, coolingDown }, randomUUID);
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
    const plan = planAlertChanges(candidates, { active, coolingDown, fresh, routing }, alertIds, now);
    // Episodes over by event time resolve before their fingerprint's next alert is inserted (one active per
    // fingerprint).
    if (plan.resolves.length > 0) {
      await client.query(
        `UPDATE alert SET status = 'resolved', resolved_at = $2, resolved_by = 'auto', resolve_note = $3
          WHERE id = ANY($1::uuid[])`,
        [plan.resolves, now, `${AUTO_RESOLVE_NOTE}, by event time`],
      );
    }
    if (plan.inserts.length > 0) {
      await client.query(
        `INSERT INTO alert (id, business_id, rule_id, rule_version, fingerprint, group_key, status, severity, count,
           start_time, end_time, first_seen_at, last_seen_at, summary, evidence, cleared_at, resolve_after_ms,
           cleared_event_time)
         SELECT x.id, $2, x.rule_id, x.rule_version, x.fingerprint, x.group_key, 'open', x.severity, x.count,
           x.start_time, x.end_time, $3, $3, x.summary, x.evidence, x.cleared_at, x.resolve_after_ms,
           x.cleared_event_time
           FROM jsonb_to_recordset($1::jsonb) AS x(${ALERT_RECORD}, rule_id uuid, fingerprint text, group_key jsonb)`,
        [JSON.stringify(plan.inserts.map(alertColumns)), businessId, now],
      );
    }
    if (plan.updates.length > 0) {
      await client.query(
        `UPDATE alert a SET count = a.count + x.count, last_seen_at = $2,
           start_time = LEAST(a.start_time, x.start_time), end_time = GREATEST(a.end_time, x.end_time),
           severity = x.severity, summary = x.summary, evidence = x.evidence,
           rule_version = GREATEST(a.rule_version, x.rule_version), cleared_at = x.cleared_at,
           -- An immediate rule's episode ends at its newest match, whatever order late matches come in.
           cleared_event_time = CASE WHEN x.cleared_event_time IS NULL THEN NULL
                                     ELSE GREATEST(a.cleared_event_time, x.cleared_event_time) END,
           resolve_after_ms = x.resolve_after_ms
           FROM jsonb_to_recordset($1::jsonb) AS x(${ALERT_RECORD}) WHERE a.id = x.id`,
        [JSON.stringify(plan.updates.map(alertColumns)), now],
      );
    }
    const notifications = await writeTransitions(client, plan.transitions, plan.notifications, now);
    const { opened, updated, escalated, alreadyCounted, suppressed } = plan;
    return { opened, updated, escalated, alreadyCounted, suppressed, notifications };
  }

  /**
   * Marks the active alerts of these fingerprints as cleared at `now` (the
   * episode ended) and at the clear's event time `t`, unless already cleared;
   * auto-resolve counts from there (wall clock), and a later match counts from
   * `t` by event time (episodeOver).
   */
  async applyClears(tx: Tx, clears: readonly ClearRecord[], now: Date): Promise<number> {
    if (clears.length === 0) return 0;
    const first = new Map<string, Date>();
    for (const c of clears)
      if (!first.has(c.fingerprint) || c.t < first.get(c.fingerprint)!) first.set(c.fingerprint, c.t);
    const r = await tx.sql.query(
      `UPDATE alert a SET cleared_at = $3, cleared_event_time = x.t
         FROM unnest($1::text[], $2::timestamptz[]) AS x(f, t)
        WHERE a.fingerprint = x.f AND a.status <> 'resolved' AND a.cleared_at IS NULL`,
      [[...first.keys()], [...first.values()], now],
    );
    return r.rowCount ?? 0;
  }

  /**
   * Resolves (`resolved_by = 'auto'`) every active alert that @anom/domain
   * `isAutoResolveDue` says is due at `now`: those the query selects with the
   * same condition (index-friendly), locked, confirmed by the domain, with
   * their routing. Returns the ids resolved and the notifications queued.
   */
  async autoResolve(now: Date): Promise<{ resolved: string[]; notifications: string[] }> {
    return this.db.transaction(async ({ sql: client }) => {
      const due = await client.query<RoutedAlertRow & { cleared_at: Date; resolve_after_ms: number }>(
        `SELECT a.id, a.status, a.cleared_at, a.resolve_after_ms, ${ROUTED_ALERT_COLUMNS} FROM alert a
          WHERE a.status <> 'resolved' AND a.resolve_after_ms IS NOT NULL AND a.cleared_at IS NOT NULL
            AND a.cleared_at + a.resolve_after_ms * interval '1 millisecond' <= $1
          ORDER BY a.id FOR UPDATE OF a`,
        [now, now],
      );
      const rows = due.rows.filter((r) =>
        isAutoResolveDue(
          { id: r.id, status: r.status, clearedAt: r.cleared_at, resolveAfterMs: r.resolve_after_ms },
          now,
        ),
      );
      if (rows.length === 0) return { resolved: [], notifications: [] };
      await client.query(
        `UPDATE alert SET status = 'resolved', resolved_at = $2, resolved_by = 'auto', resolve_note = $3
          WHERE id = ANY($1::uuid[])`,
        [rows.map((r) => r.id), now, AUTO_RESOLVE_NOTE],
      );
      const notifications = await writeTransitions(
        client,
        rows.map(autoResolveTransition),
        rows.flatMap((r) => routeNotifications([announced(r, 'resolved')], routingOf(r))),
        now,
      );
      return { resolved: rows.map((x) => x.id), notifications };
    });
  }

  async findById(id: string, tx?: Tx): Promise<AlertRecord | null> {
    const row = await (tx?.prisma ?? this.db.prisma).alert.findUnique({ where: { id } });
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
    tx?: Tx,
  ): Promise<{ alert: AlertRecord; notifications: string[] } | null> {
    const moved = await this.db.transaction(async ({ sql: client }) => {
      const current = await client.query<RoutedAlertRow>(
        `SELECT a.id, a.status, ${ROUTED_ALERT_COLUMNS} FROM alert a WHERE a.id = $1 FOR UPDATE OF a`,
        [id, at],
      );
      const row = current.rows[0];
      if (!row || !from.includes(row.status)) return null;
      if (to === 'acknowledged') {
        await client.query(
          `UPDATE alert SET status = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3, note = $4
            WHERE id = $1`,
          [id, at, actor, note],
        );
      } else {
        await client.query(
          "UPDATE alert SET status = 'resolved', resolved_at = $2, resolved_by = $3, resolve_note = $4 WHERE id = $1",
          [id, at, actor, note],
        );
      }
      const transition = { alertId: id, from: row.status, to, severity: null, actor, note, event: to } as const;
      return writeTransitions(client, [transition], routeNotifications([announced(row, to)], routingOf(row)), at);
    }, tx);
    if (!moved) return null;
    const alert = await this.findById(id, tx);
    return alert ? { alert, notifications: moved } : null;
  }
}

/** The columns of an alert row shared by inserts and updates, as jsonb_to_recordset reads them. */
const ALERT_RECORD =
  'id uuid, rule_version int, count int, start_time timestamptz, end_time timestamptz, summary text, ' +
  'cleared_at timestamptz, cleared_event_time timestamptz, resolve_after_ms bigint, severity text, evidence jsonb';

/** A planned alert row as ALERT_RECORD (and the insert's extra columns) name its fields. */
function alertColumns(a: AlertInsert | AlertUpdate): Record<string, unknown> {
  return {
    id: a.id,
    rule_version: a.ruleVersion,
    count: a.count,
    start_time: a.startTime,
    end_time: a.endTime,
    summary: a.summary,
    cleared_at: a.clearedAt,
    cleared_event_time: a.clearedEventTime,
    resolve_after_ms: a.resolveAfterMs,
    severity: a.severity,
    evidence: a.evidence,
    ...('ruleId' in a ? { rule_id: a.ruleId, fingerprint: a.fingerprint, group_key: a.groupKey } : {}),
  };
}

/**
 * Two columns, `channels` and `silences`: the enabled notification channels
 * of business `business` and its silences in force at `at` (SQL expressions),
 * as JSON arrays of ChannelRoute and SilenceInForce.
 */
const routingColumns = (business: string, at: string): string =>
  `(SELECT coalesce(json_agg(json_build_object('id', c.id, 'events', c.events, 'minSeverity', c.min_severity)), '[]')
      FROM notification_channel c WHERE c.business_id = ${business} AND c.enabled) AS channels,
   (SELECT coalesce(json_agg(json_build_object('id', s.id, 'ruleId', s.rule_id, 'groupKey', s.group_key,
             'endsAt', s.ends_at)), '[]')
      FROM silence s WHERE s.business_id = ${business} AND s.starts_at <= ${at} AND ${at} < s.ends_at) AS silences`;

/** The columns routing needs of an alert row `a`, with its business's routing at `$2` (one statement). */
const ROUTED_ALERT_COLUMNS = `a.rule_id, a.group_key, a.severity, ${routingColumns('a.business_id', '$2')}`;

interface RoutedAlertRow {
  id: string;
  status: AlertStatus;
  rule_id: string;
  group_key: Record<string, unknown>;
  severity: Severity;
  channels: ChannelRoute[];
  silences: (Omit<SilenceInForce, 'endsAt'> & { endsAt: string })[];
}

function routingOf(r: Pick<RoutedAlertRow, 'channels' | 'silences'>): Routing {
  return { channels: r.channels, silences: r.silences.map((s) => ({ ...s, endsAt: new Date(s.endsAt) })) };
}

function announced(r: RoutedAlertRow, event: AnnouncedAlert['event']): AnnouncedAlert {
  return { id: r.id, ruleId: r.rule_id, groupKey: r.group_key, severity: r.severity, event };
}

/**
 * What planning needs, in one statement: the candidates' active alerts,
 * locked in id order (ordered locking keeps two writers — the api
 * acknowledging, the worker updating — from deadlocking); for those with a
 * cooldown and no active alert, the newest alert of their fingerprint
 * resolved less than their cooldown ago; the business's enabled channels and
 * the silences in force at `now`.
 */
async function loadSnapshot(
  client: PoolClient,
  businessId: string,
  candidates: readonly LifecycleCandidate[],
  now: Date,
): Promise<Pick<AlertSnapshot, 'active' | 'coolingDown' | 'routing'>> {
  const cooling = candidates.filter((c) => c.cooldownMs);
  const r = await client.query<
    Pick<RoutedAlertRow, 'channels' | 'silences'> & { active: ActiveAlert[]; cooling: { f: string; id: string }[] }
  >(
    `WITH active AS (
       SELECT id, fingerprint, status, severity, evidence, cleared_event_time FROM alert
        WHERE fingerprint = ANY($1::text[]) AND status <> 'resolved' ORDER BY id FOR UPDATE)
     SELECT
       (SELECT coalesce(json_agg(json_build_object('id', id, 'fingerprint', fingerprint, 'status', status,
                 'severity', severity, 'evidence', evidence, 'clearedEventTime', cleared_event_time)), '[]')
          FROM active) AS active,
       (SELECT coalesce(json_agg(json_build_object('f', x.fingerprint, 'id', x.id)), '[]') FROM (
          SELECT DISTINCT ON (a.fingerprint) a.fingerprint, a.id
            FROM unnest($4::text[], $5::timestamptz[]) AS u(fingerprint, since)
            JOIN alert a ON a.fingerprint = u.fingerprint AND a.status = 'resolved' AND a.resolved_at > u.since
           WHERE NOT EXISTS (SELECT 1 FROM active WHERE active.fingerprint = u.fingerprint)
           ORDER BY a.fingerprint, a.resolved_at DESC) x) AS cooling,
       ${routingColumns('$2', '$3')}`,
    [
      candidates.map((c) => c.fingerprint),
      businessId,
      now,
      cooling.map((c) => c.fingerprint),
      cooling.map((c) => new Date(now.getTime() - c.cooldownMs!)),
    ],
  );
  const row = r.rows[0];
  return {
    active: new Map(row.active.map((a) => [a.fingerprint, a])),
    coolingDown: new Map(row.cooling.map((x) => [x.f, x.id])),
    routing: routingOf(row),
  };
}

/**
 * Records transitions and their planned notifications in one statement (the
 * outbox of the notify queue: a transition and its notifications commit
 * together or not at all). Returns the ids of the `pending` notifications,
 * for the caller to enqueue after commit; the notification sweeper enqueues
 * any it did not.
 */
async function writeTransitions(
  client: PoolClient,
  transitions: readonly PlannedTransition[],
  notifications: readonly PlannedNotification[],
  at: Date,
): Promise<string[]> {
  if (transitions.length === 0) return [];
  const r = await client.query<{ id: string; status: string }>(
    `WITH t AS (
       INSERT INTO alert_transition (alert_id, at, from_status, to_status, severity, actor, note, event)
       SELECT x.alert_id, $2, x.from_status, x.to_status, x.severity, x.actor, x.note, x.event
         FROM jsonb_to_recordset($1::jsonb)
           AS x(alert_id uuid, from_status text, to_status text, severity text, actor text, note text, event text)
       RETURNING id, alert_id, event)
     INSERT INTO notification (id, alert_id, channel_id, transition_id, event, created_at, status, silence_id)
     SELECT gen_random_uuid(), n.alert_id, n.channel_id, t.id, n.event, $2, n.status, n.silence_id
       FROM jsonb_to_recordset($3::jsonb)
         AS n(alert_id uuid, event text, channel_id uuid, status text, silence_id uuid)
       JOIN t ON t.alert_id = n.alert_id AND t.event = n.event
     RETURNING id, status`,
    [
      JSON.stringify(
        transitions.map((x) => ({
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
      JSON.stringify(
        notifications.map((n) => ({
          alert_id: n.alertId,
          event: n.event,
          channel_id: n.channelId,
          status: n.status,
          silence_id: n.silenceId,
        })),
      ),
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
