import { randomUUID } from 'node:crypto';
import type { AlertCandidate } from '@anom/domain';
import { EVIDENCE_SAMPLES, maxSeverity, severityRank } from '@anom/domain';
import type { AlertStatus, Severity } from '@anom/contracts';
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
   * Applies one batch's alert candidates on the caller's transaction.
   * Idempotent: a match is counted once per (rule, event) through
   * `rule_match`, so re-evaluating a batch changes nothing. A fingerprint with
   * an open or acknowledged alert updates it (count, last seen, event-time
   * span, evidence, escalated severity); otherwise a new alert opens.
   */
  async applyCandidates(client: PoolClient, businessId: string, candidates: readonly CandidateWithSummary[], now: Date): Promise<ApplyOutcome> {
    const outcome: ApplyOutcome = { opened: [], updated: [], escalated: [], alreadyCounted: 0, suppressed: 0 };
    for (const c of candidates) {
      const existing = await client.query(
        "SELECT id, status, severity, evidence FROM alert WHERE fingerprint = $1 AND status <> 'resolved' FOR UPDATE",
        [c.fingerprint],
      );
      const active = existing.rows[0] as { id: string; status: AlertStatus; severity: Severity; evidence: AlertEvidence } | undefined;
      let suppressedBy: string | null = null;
      if (!active && c.cooldownMs) {
        // Cooldown: a fingerprint resolved less than cooldown ago stays quiet. Its
        // matches are linked to the resolved alert, so a re-evaluation finds them counted.
        const recent = await client.query<{ id: string }>(
          "SELECT id FROM alert WHERE fingerprint = $1 AND status = 'resolved' AND resolved_at > $2 ORDER BY resolved_at DESC LIMIT 1",
          [c.fingerprint, new Date(now.getTime() - c.cooldownMs)],
        );
        suppressedBy = recent.rows[0]?.id ?? null;
      }
      const alertId = active?.id ?? suppressedBy ?? randomUUID();
      const counted = await client.query<{ event_id: string }>(
        `INSERT INTO rule_match (rule_id, event_id, alert_id) SELECT $1, e, $2 FROM unnest($3::uuid[]) AS e
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [c.ruleId, alertId, c.eventIds],
      );
      const fresh = new Set(counted.rows.map((r) => r.event_id));
      outcome.alreadyCounted += c.eventIds.length - fresh.size;
      if (fresh.size === 0) continue;
      if (suppressedBy) {
        outcome.suppressed += fresh.size;
        continue;
      }
      const newSamples = c.samples.filter((s) => fresh.has(s.eventId));
      if (!active) {
        await client.query(
          `INSERT INTO alert (id, business_id, rule_id, rule_version, fingerprint, group_key, status, severity, count,
             start_time, end_time, first_seen_at, last_seen_at, summary, evidence, cleared_at, resolve_after_ms)
           VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $9, $10, $11, $11, $12, $13, $14, $15)`,
          [alertId, businessId, c.ruleId, c.ruleVersion, c.fingerprint, JSON.stringify(c.groupKey), c.severity, fresh.size, c.startTime, c.endTime, now, c.summary, JSON.stringify({ samples: newSamples }), c.momentary ? now : null, c.resolveAfterMs],
        );
        await insertTransition(client, alertId, null, 'open', c.severity, 'engine', null, now);
        outcome.opened.push(alertId);
        continue;
      }
      const severity = maxSeverity(active.severity, c.severity);
      const samples = [...(active.evidence?.samples ?? []), ...newSamples].slice(-EVIDENCE_SAMPLES);
      await client.query(
        `UPDATE alert SET count = count + $2, last_seen_at = $3, start_time = LEAST(start_time, $4), end_time = GREATEST(end_time, $5),
           severity = $6, summary = $7, evidence = $8, rule_version = GREATEST(rule_version, $9), cleared_at = $10, resolve_after_ms = $11 WHERE id = $1`,
        [alertId, fresh.size, now, c.startTime, c.endTime, severity, c.summary, JSON.stringify({ samples }), c.ruleVersion, c.momentary ? now : null, c.resolveAfterMs],
      );
      outcome.updated.push(alertId);
      if (severityRank(severity) > severityRank(active.severity)) {
        await insertTransition(client, alertId, active.status, active.status, severity, 'engine', `escalated from ${active.severity} to ${severity}`, now);
        outcome.escalated.push(alertId);
      }
    }
    return outcome;
  }

  /**
   * Marks the active alerts of these fingerprints as cleared at `now` (the
   * episode ended), unless already cleared; auto-resolve counts from there.
   */
  async applyClears(client: PoolClient, clears: readonly ClearRecord[], now: Date): Promise<number> {
    if (clears.length === 0) return 0;
    const r = await client.query("UPDATE alert SET cleared_at = $2 WHERE fingerprint = ANY($1::text[]) AND status <> 'resolved' AND cleared_at IS NULL", [[...new Set(clears.map((c) => c.fingerprint))], now]);
    return r.rowCount ?? 0;
  }

  /**
   * Resolves (`resolved_by = 'auto'`) every active alert whose condition has
   * been clear for its rule's resolveAfter. Returns the ids resolved.
   */
  async autoResolve(now: Date): Promise<string[]> {
    return this.db.transaction(async (client) => {
      const r = await client.query<{ id: string; from_status: AlertStatus }>(
        `UPDATE alert a SET status = 'resolved', resolved_at = $1, resolved_by = 'auto', resolve_note = 'condition clear for the rule''s resolveAfter'
         FROM (SELECT id, status FROM alert WHERE status <> 'resolved' AND resolve_after_ms IS NOT NULL AND cleared_at IS NOT NULL
                 AND cleared_at + resolve_after_ms * interval '1 millisecond' <= $1 FOR UPDATE) old
         WHERE a.id = old.id RETURNING a.id, old.status AS from_status`,
        [now],
      );
      for (const row of r.rows) await insertTransition(client, row.id, row.from_status, 'resolved', null, 'auto', 'condition clear for the rule\'s resolveAfter', now);
      return r.rows.map((x) => x.id);
    });
  }

  async findById(id: string): Promise<AlertRecord | null> {
    const row = await this.db.prisma.alert.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  async history(id: string): Promise<AlertTransitionRecord[]> {
    const rows = await this.db.prisma.alertTransition.findMany({ where: { alertId: id }, orderBy: { id: 'asc' } });
    return rows.map((r) => ({ at: r.at, fromStatus: r.fromStatus as AlertStatus | null, toStatus: r.toStatus as AlertStatus, severity: r.severity as Severity | null, actor: r.actor, note: r.note }));
  }

  /** Ids of the events counted into an alert, oldest first (at most `limit`). */
  async eventIds(id: string, limit: number): Promise<string[]> {
    const r = await this.db.pool.query<{ event_id: string }>('SELECT event_id FROM rule_match WHERE alert_id = $1 LIMIT $2', [id, limit]);
    return r.rows.map((x) => x.event_id);
  }

  /** Newest first by first-seen time, keyset-paginated. */
  async list(f: AlertFilter): Promise<AlertRecord[]> {
    const where: Prisma.AlertWhereInput = {};
    if (f.businessId) where.businessId = f.businessId;
    if (f.status?.length) where.status = { in: f.status };
    if (f.severity?.length) where.severity = { in: f.severity };
    if (f.ruleId) where.ruleId = f.ruleId;
    if (f.before) {
      where.OR = [{ firstSeenAt: { lt: f.before.firstSeenAt } }, { firstSeenAt: f.before.firstSeenAt, id: { lt: f.before.id } }];
    }
    const rows = await this.db.prisma.alert.findMany({ where, orderBy: [{ firstSeenAt: 'desc' }, { id: 'desc' }], take: f.limit });
    return rows.map(toRecord);
  }

  /**
   * Moves an alert from one of `from` to `to`, recording who and why.
   * Returns null when the alert is not in one of `from` (the caller reports why).
   */
  async transition(id: string, from: AlertStatus[], to: 'acknowledged' | 'resolved', actor: string, note: string | null, at: Date): Promise<AlertRecord | null> {
    const moved = await this.db.transaction(async (client) => {
      const current = await client.query<{ status: AlertStatus }>('SELECT status FROM alert WHERE id = $1 FOR UPDATE', [id]);
      const status = current.rows[0]?.status;
      if (!status || !from.includes(status)) return false;
      if (to === 'acknowledged') {
        await client.query("UPDATE alert SET status = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3, note = $4 WHERE id = $1", [id, at, actor, note]);
      } else {
        await client.query("UPDATE alert SET status = 'resolved', resolved_at = $2, resolved_by = $3, resolve_note = $4 WHERE id = $1", [id, at, actor, note]);
      }
      await insertTransition(client, id, status, to, null, actor, note, at);
      return true;
    });
    return moved ? this.findById(id) : null;
  }
}

async function insertTransition(client: PoolClient, alertId: string, from: AlertStatus | null, to: AlertStatus, severity: Severity | null, actor: string, note: string | null, at: Date): Promise<void> {
  await client.query('INSERT INTO alert_transition (alert_id, at, from_status, to_status, severity, actor, note) VALUES ($1, $2, $3, $4, $5, $6, $7)', [alertId, at, from, to, severity, actor, note]);
}

function toRecord(r: AlertRow): AlertRecord {
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
