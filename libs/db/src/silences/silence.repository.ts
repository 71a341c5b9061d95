import type { Database, Tx } from '../database';
import type { Silence as SilenceRow } from '../generated/prisma/client';

/** Where a silence stands at a given time. */
export type SilenceState = 'pending' | 'active' | 'expired';

/** A silence as the API returns it. */
export interface SilenceRecord {
  id: string;
  businessId: string;
  /** Only this rule's alerts, or null for every rule of the business. */
  ruleId: string | null;
  /** Fields the alert's group key must have with these values ({} for every group). */
  groupKey: Record<string, string | number | boolean>;
  startsAt: Date;
  endsAt: Date;
  comment: string;
  createdBy: string;
  createdAt: Date;
  /** As of the time it was read. */
  state: SilenceState;
}

/**
 * SQL selecting the ids of the silences that match alert `alert` (a table
 * alias with business_id, rule_id, group_key) and are in force at `at` (an
 * SQL expression: a parameter or now()): same business, the silence's rule
 * or any, the alert's group key containing the silence's (jsonb `@>`), and
 * starts_at ≤ at < ends_at. Newest end first.
 */
export const SILENCE_MATCH = (alert: string, at: string): string =>
  `SELECT s.id FROM silence s
    WHERE s.business_id = ${alert}.business_id AND (s.rule_id IS NULL OR s.rule_id = ${alert}.rule_id)
      AND ${alert}.group_key @> s.group_key AND s.starts_at <= ${at} AND ${at} < s.ends_at
    ORDER BY s.ends_at DESC`;

/**
 * Silences: windows in which the notifications of matching alerts are muted
 * (recorded as `silenced`, not delivered; AlertRepository's outbox applies
 * them). Alerts themselves are raised and shown as ever: nothing is lost
 * while a silence is in force, and its end needs no catch-up.
 */
export class SilenceRepository {
  constructor(private readonly db: Database) {}

  async create(input: Omit<SilenceRecord, 'createdAt' | 'state'>, now: Date, tx?: Tx): Promise<SilenceRecord> {
    const row = await (tx?.prisma ?? this.db.prisma).silence.create({ data: { ...input, groupKey: input.groupKey } });
    return toSilence(row, now);
  }

  async find(id: string, now: Date, tx?: Tx): Promise<SilenceRecord | null> {
    const row = await (tx?.prisma ?? this.db.prisma).silence.findUnique({ where: { id } });
    return row ? toSilence(row, now) : null;
  }

  /**
   * A business's silences in `states` at `now`: in force and upcoming by start, expired newest end first; at most
   * `limit`.
   */
  async list(businessId: string, states: readonly SilenceState[], now: Date, limit = 500): Promise<SilenceRecord[]> {
    const or = [];
    if (states.includes('active')) or.push({ startsAt: { lte: now }, endsAt: { gt: now } });
    if (states.includes('pending')) or.push({ startsAt: { gt: now } });
    if (states.includes('expired')) or.push({ endsAt: { lte: now } });
    if (or.length === 0) return [];
    const rows = await this.db.prisma.silence.findMany({
      where: { businessId, OR: or },
      orderBy: [{ endsAt: 'desc' }, { createdAt: 'desc' }],
      take: limit,
    });
    return rows.map((r) => toSilence(r, now));
  }

  /**
   * Ends a silence at `at` when it would end later (a pending one ends before it began: its start moves too). Returns
   * it as it now is.
   */
  async expire(id: string, at: Date, tx?: Tx): Promise<SilenceRecord | null> {
    const q = tx?.prisma ?? this.db.prisma;
    await q.$executeRaw`UPDATE silence SET starts_at = LEAST(starts_at, ${at}::timestamptz - interval '1 millisecond'),
      ends_at = ${at}::timestamptz WHERE id = ${id}::uuid AND ends_at > ${at}::timestamptz`;
    return this.find(id, at, tx);
  }

  /** Which of `alertIds` a silence in force at `at` matches. */
  async silencedAmong(alertIds: readonly string[], at: Date): Promise<Set<string>> {
    if (alertIds.length === 0) return new Set();
    const r = await this.db.pool.query<{ id: string }>(
      `SELECT a.id FROM alert a WHERE a.id = ANY($1::uuid[]) AND EXISTS (${SILENCE_MATCH('a', '$2')})`,
      [alertIds, at],
    );
    return new Set(r.rows.map((x) => x.id));
  }

  /** The silences in force at `at` that match alert `alertId`. */
  async matching(alertId: string, at: Date): Promise<SilenceRecord[]> {
    const r = await this.db.pool.query<{ id: string }>(
      `SELECT m.id FROM alert a, LATERAL (${SILENCE_MATCH('a', '$2')}) m WHERE a.id = $1`,
      [alertId, at],
    );
    if (r.rows.length === 0) return [];
    const rows = await this.db.prisma.silence.findMany({
      where: { id: { in: r.rows.map((x) => x.id) } },
      orderBy: { endsAt: 'desc' },
    });
    return rows.map((x) => toSilence(x, at));
  }
}

function toSilence(r: SilenceRow, now: Date): SilenceRecord {
  const state: SilenceState = r.endsAt <= now ? 'expired' : r.startsAt > now ? 'pending' : 'active';
  return {
    id: r.id,
    businessId: r.businessId,
    ruleId: r.ruleId,
    groupKey: r.groupKey as SilenceRecord['groupKey'],
    startsAt: r.startsAt,
    endsAt: r.endsAt,
    comment: r.comment,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    state,
  };
}
