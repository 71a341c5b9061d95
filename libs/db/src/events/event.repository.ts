import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database, PoolClient, Tx } from '../database';
import type { EventArchiver } from '../archive/event-archiver';

/** A validated event ready to be stored. */
export interface NewEvent {
  id: string;
  eventTime: Date;
  entityKey: string | null;
  payload: Record<string, unknown>;
  clientEventId: string | null;
}

export interface StoredEvent {
  id: string;
  businessId: string;
  eventTime: Date;
  receivedAt: Date;
  entityKey: string | null;
  payload: Record<string, unknown>;
  clientEventId: string | null;
  batchId: string;
  schemaVersion: number;
}

export interface InsertBatchResult {
  /** One id per submitted event, in order; a resent client event id gets its stored id. */
  ids: string[];
  /** Events newly stored. */
  inserted: number;
  /** Events skipped because their client event id was already stored. */
  duplicates: number;
  /** The batch recorded for evaluation, or null when nothing new was stored. */
  batchId: string | null;
}

/** An event as evaluation reads it. */
export interface EvaluationRow {
  id: string;
  eventTime: Date;
  payload: Record<string, unknown>;
  batchId: string;
  /** Receipt time, epoch ms. */
  receivedAt: number;
}

export type BatchStatus = 'pending' | 'done';

export interface BatchRecord {
  id: string;
  /** Evaluation order within a business. */
  seq: number;
  businessId: string;
  eventCount: number;
  minTime: Date;
  maxTime: Date;
  status: BatchStatus;
  /** Events too late for a stateful rule (stored, not evaluated by it); counted per rule. */
  lateEvents: number;
  attempts: number;
  createdAt: Date;
  doneAt: Date | null;
  requestId: string | null;
}

const EVENT_COLUMNS =
  'id, business_id, event_time, received_at, entity_key, payload, client_event_id, batch_id, schema_version';

/**
 * The event table (a hypertable when TimescaleDB is present) and the
 * `ingest_batch` outbox. Events are written with COPY inside the transaction
 * that records their batch, so a batch is durable and due for evaluation
 * together, or not at all.
 */
export class EventRepository {
  constructor(private readonly db: Database) {}

  /**
   * Stores a batch in one transaction: idempotency keys, events (COPY) and the
   * `ingest_batch` row. Events whose client event id was seen before are not
   * stored again; their stored ids are returned in place.
   */
  async insertBatch(input: {
    batchId: string;
    businessId: string;
    schemaVersion: number;
    receivedAt: Date;
    requestId: string | null;
    events: NewEvent[];
  }): Promise<InsertBatchResult> {
    return this.db.transaction(async ({ sql: client }) => {
      const ids = input.events.map((e) => e.id);
      let fresh = input.events;
      let duplicates = 0;
      const withKey = input.events.filter((e) => e.clientEventId !== null);
      if (withKey.length > 0) {
        // First occurrence of a key within the request wins.
        const firstByKey = new Map<string, NewEvent>();
        for (const e of withKey) if (!firstByKey.has(e.clientEventId!)) firstByKey.set(e.clientEventId!, e);
        const keys = [...firstByKey.keys()];
        const claimed = await client.query<{ client_event_id: string }>(
          `INSERT INTO event_idempotency (business_id, client_event_id, event_id)
           SELECT $1, k, i FROM unnest($2::text[], $3::uuid[]) AS u(k, i)
           ON CONFLICT DO NOTHING RETURNING client_event_id`,
          [input.businessId, keys, keys.map((k) => firstByKey.get(k)!.id)],
        );
        const claimedKeys = new Set(claimed.rows.map((r) => r.client_event_id));
        const stored = new Map<string, string>();
        const previously = keys.filter((k) => !claimedKeys.has(k));
        if (previously.length > 0) {
          const r = await client.query<{ client_event_id: string; event_id: string }>(
            'SELECT client_event_id, event_id FROM event_idempotency WHERE business_id = $1 AND client_event_id ' +
              '= ANY($2::text[])',
            [input.businessId, previously],
          );
          for (const row of r.rows) stored.set(row.client_event_id, row.event_id);
        }
        fresh = [];
        input.events.forEach((e, i) => {
          if (e.clientEventId === null) return fresh.push(e);
          const key = e.clientEventId;
          if (claimedKeys.has(key) && firstByKey.get(key) === e) return fresh.push(e);
          duplicates++;
          ids[i] = stored.get(key) ?? firstByKey.get(key)!.id;
        });
      }
      if (fresh.length === 0) return { ids, inserted: 0, duplicates, batchId: null };
      await copyEvents(client, input.businessId, input.batchId, input.schemaVersion, input.receivedAt, fresh);
      let min = fresh[0].eventTime.getTime();
      let max = min;
      for (const e of fresh) {
        const t = e.eventTime.getTime();
        if (t < min) min = t;
        if (t > max) max = t;
      }
      // The batch takes its evaluation order (seq) under a per-business lock
      // held until commit, so seq order is commit order: a worker that sees
      // batch n committed never later sees a batch n-1 appear. Only this last
      // statement and the commit are serialised; the COPY above is not. The
      // lock is taken in the same statement (one round trip): the subquery
      // behind OFFSET 0 runs before the outer row, whose seq default
      // (nextval) is evaluated after it.
      await client.query(
        `INSERT INTO ingest_batch (id, business_id, event_count, min_time, max_time, request_id)
         SELECT $1::uuid, $2::text, $3::int, $4::timestamptz, $5::timestamptz, $6::text
         FROM (SELECT pg_advisory_xact_lock(hashtext('anom:ingest-seq:' || $2::text)) OFFSET 0) AS locked`,
        [input.batchId, input.businessId, fresh.length, new Date(min), new Date(max), input.requestId],
      );
      return { ids, inserted: fresh.length, duplicates, batchId: input.batchId };
    });
  }

  /**
   * Events of consecutive batches, batch by batch (in the given order), each
   * in event-time order (ties by id): the order stateful rules see them in.
   * Each batch's time bounds let TimescaleDB exclude chunks outside it.
   *
   * The batch lookup is a LATERAL subquery behind `OFFSET 0` (which keeps the
   * planner from flattening it into a join), so it is always one
   * `event_batch_idx` probe per batch. As a plain join the plan depends on
   * table statistics: before the first ANALYZE of a fresh event table it was
   * a sequential scan of the whole table, 50-80 ms per evaluation.
   */
  async loadBatchesEvents(
    batches: readonly Pick<BatchRecord, 'id' | 'minTime' | 'maxTime' | 'seq'>[],
  ): Promise<EvaluationRow[]> {
    // Only what evaluation reads; event time as epoch ms, cheaper to decode than a timestamp string.
    const r = await this.db.pool.query<{
      id: string;
      t: number;
      r: number;
      payload: Record<string, unknown>;
      batch_id: string;
    }>(
      `SELECT e.id, e.t, e.r, e.payload, e.batch_id
         FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS b(id, min_time, max_time, ord)
        CROSS JOIN LATERAL (
          SELECT id, (extract(epoch FROM event_time) * 1000)::float8 AS t,
                 (extract(epoch FROM received_at) * 1000)::float8 AS r, payload, batch_id
            FROM event WHERE batch_id = b.id AND event_time BETWEEN b.min_time AND b.max_time OFFSET 0) e
        ORDER BY b.ord, e.t, e.id`,
      [batches.map((b) => b.id), batches.map((b) => b.minTime), batches.map((b) => b.maxTime)],
    );
    const out: EvaluationRow[] = new Array(r.rows.length);
    for (let i = 0; i < r.rows.length; i++) {
      const row = r.rows[i];
      out[i] = {
        id: row.id,
        eventTime: new Date(row.t),
        payload: row.payload,
        batchId: row.batch_id,
        receivedAt: row.r,
      };
    }
    return out;
  }

  /** Events of a business, newest first, in [from, to), optionally of one entity or among `ids`. */
  async list(q: {
    businessId: string;
    from?: Date;
    to?: Date;
    entity?: string;
    ids?: string[];
    limit: number;
    before?: { eventTime: Date; id: string };
  }): Promise<StoredEvent[]> {
    const where = ['business_id = $1'];
    const args: unknown[] = [q.businessId];
    if (q.from) where.push(`event_time >= $${args.push(q.from)}`);
    if (q.to) where.push(`event_time < $${args.push(q.to)}`);
    if (q.entity !== undefined) where.push(`entity_key = $${args.push(q.entity)}`);
    if (q.ids) where.push(`id = ANY($${args.push(q.ids)}::uuid[])`);
    if (q.before)
      where.push(`(event_time, id) < ($${args.push(q.before.eventTime)}, $${args.push(q.before.id)}::uuid)`);
    const r = await this.db.pool.query(
      `SELECT ${EVENT_COLUMNS} FROM event WHERE ${where.join(' AND ')} ORDER BY event_time DESC, id DESC LIMIT ` +
        `$${args.push(q.limit)}`,
      args,
    );
    return r.rows.map(toEvent);
  }

  /**
   * The newest events of one group of a business before `to`, newest first: those whose payload holds each value of
   * `groupKey` (field → value, as the engine keys a rule's groups: a field absent from the payload counts as null),
   * at most `limit` of them, among the newest `scan` events of the business before `to`. `scan` bounds the rows read
   * when the group is rare among many (one index range, then a filter on the payload). Values compare as JSON
   * (jsonb equality: the string "1" is not the number 1, as in the engine's group key).
   */
  async listOfGroup(q: {
    businessId: string;
    to: Date;
    groupKey: Record<string, unknown>;
    limit: number;
    scan: number;
  }): Promise<StoredEvent[]> {
    const args: unknown[] = [q.businessId, q.to, q.scan];
    const same = Object.entries(q.groupKey).map(([field, value]) => {
      const [f, v] = [args.push(field), args.push(JSON.stringify(value ?? null))];
      return `coalesce(payload -> $${f}, 'null'::jsonb) = $${v}::jsonb`;
    });
    const newest =
      `SELECT ${EVENT_COLUMNS} FROM event WHERE business_id = $1 AND event_time < $2 ` +
      'ORDER BY event_time DESC, id DESC LIMIT $3';
    const r = await this.db.pool.query(
      `SELECT ${EVENT_COLUMNS} FROM (${newest}) newest WHERE ${same.length ? same.join(' AND ') : 'true'} ` +
        `ORDER BY event_time DESC, id DESC LIMIT $${args.push(q.limit)}`,
      args,
    );
    return r.rows.map(toEvent);
  }

  /** Events of a business in [from, to) in event-time order, at most `limit`. */
  async range(businessId: string, from: Date, to: Date, limit: number): Promise<StoredEvent[]> {
    const r = await this.db.pool.query(
      `SELECT ${EVENT_COLUMNS} FROM event WHERE business_id = $1 AND event_time >= $2 AND event_time < $3 ORDER ` +
        `BY event_time, id LIMIT $4`,
      [businessId, from, to, limit],
    );
    return r.rows.map(toEvent);
  }

  async countByBusiness(businessId: string): Promise<number> {
    const r = await this.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM event WHERE business_id = $1', [
      businessId,
    ]);
    return r.rows[0].n;
  }

  async findBatch(id: string): Promise<BatchRecord | null> {
    const r = await this.db.pool.query('SELECT * FROM ingest_batch WHERE id = $1', [id]);
    return r.rows[0] ? toBatch(r.rows[0]) : null;
  }

  /** Pending batches created before `olderThan`, oldest first: the sweeper's work list. */
  async pendingBatches(olderThan: Date, limit: number): Promise<BatchRecord[]> {
    const r = await this.db.pool.query(
      "SELECT * FROM ingest_batch WHERE status = 'pending' AND created_at < $1 ORDER BY created_at LIMIT $2",
      [olderThan, limit],
    );
    return r.rows.map(toBatch);
  }

  /**
   * The business's most recently received evaluated batches, newest first,
   * at most `limit`: what rule state is rebuilt from after Redis lost it.
   */
  async recentDoneBatches(businessId: string, limit: number): Promise<BatchRecord[]> {
    const r = await this.db.pool.query(
      "SELECT * FROM ingest_batch WHERE business_id = $1 AND status = 'done' ORDER BY created_at DESC, seq DESC " +
        'LIMIT $2',
      [businessId, limit],
    );
    return r.rows.map(toBatch);
  }

  /**
   * The oldest pending batches of a business in evaluation (seq) order, at
   * most `limit`: what a worker evaluates next, batch by batch or as a run.
   */
  async pendingOf(businessId: string, limit: number): Promise<BatchRecord[]> {
    const r = await this.db.pool.query(
      "SELECT * FROM ingest_batch WHERE business_id = $1 AND status = 'pending' ORDER BY seq LIMIT $2",
      [businessId, limit],
    );
    return r.rows.map(toBatch);
  }

  /** When the oldest batch of a business still pending evaluation was received, or null when none is. */
  /** Batches pending evaluation, and the age in seconds of the oldest (0 when none). */
  async pendingStats(): Promise<{ count: number; oldestAgeSeconds: number }> {
    const r = await this.db.pool.query<{ n: number; age: number | null }>(
      'SELECT count(*)::int AS n, extract(epoch FROM now() - min(created_at))::float8 AS age FROM ingest_batch ' +
        "WHERE status = 'pending'",
    );
    return { count: r.rows[0].n, oldestAgeSeconds: Math.max(0, r.rows[0].age ?? 0) };
  }

  async oldestPendingReceipt(businessId: string): Promise<Date | null> {
    const r = await this.db.pool.query<{ at: Date | null }>(
      "SELECT min(created_at) AS at FROM ingest_batch WHERE business_id = $1 AND status = 'pending'",
      [businessId],
    );
    return r.rows[0]?.at ?? null;
  }

  /** Whether all these batches are still pending, locking their rows on the caller's transaction. */
  async lockAllPending(tx: Tx, ids: readonly string[]): Promise<boolean> {
    const r = await tx.sql.query(
      "SELECT id FROM ingest_batch WHERE id = ANY($1::uuid[]) AND status = 'pending' ORDER BY seq FOR UPDATE",
      [ids],
    );
    return r.rowCount === ids.length;
  }

  /**
   * Retention: deletes up to `limit` evaluated batches of a business received
   * before `cutoff`, with their events and those events' rule_match rows, in
   * one transaction; returns how many of each. Pending batches are never
   * deleted, however old: an accepted event is evaluated before it may
   * expire. Batches another transaction holds (a worker marking them done)
   * are skipped for the next run. With `archiver`, the events are written to
   * the archive first and deleted only if that succeeded.
   */
  async deleteExpired(
    businessId: string,
    cutoff: Date,
    limit: number,
    archiver: EventArchiver | null = null,
  ): Promise<{ batches: number; events: number; matches: number; archived: number }> {
    return this.db.transaction(async ({ sql: client }) => {
      const r = await client.query<{ id: string }>(
        "SELECT id FROM ingest_batch WHERE business_id = $1 AND created_at < $2 AND status = 'done' ORDER BY " +
          'created_at, id LIMIT $3 FOR UPDATE SKIP LOCKED',
        [businessId, cutoff, limit],
      );
      if (r.rows.length === 0) return { batches: 0, events: 0, matches: 0, archived: 0 };
      const ids = r.rows.map((row) => row.id);
      // Archived first, on this transaction: the delete below commits only with the file's row (see EventArchiver).
      const file = archiver
        ? await archiver.archive(client, {
            businessId,
            fromSql: 'event',
            whereSql: 'batch_id = ANY($2::uuid[])',
            params: [ids],
            key: `${businessId}/received-${cutoff.toISOString().slice(0, 10)}/batches-${ids[0]}.ndjson.gz`,
          })
        : null;
      // The batches were evaluated: no re-evaluation needs their events' rule_match rows to count them once.
      const deleted = await client.query<{ events: number; matches: number }>(
        `WITH gone AS (DELETE FROM event WHERE batch_id = ANY($1::uuid[]) RETURNING id),
              matched AS (DELETE FROM rule_match WHERE event_id IN (SELECT id FROM gone) RETURNING 1)
         SELECT (SELECT count(*) FROM gone)::int AS events, (SELECT count(*) FROM matched)::int AS matches`,
        [ids],
      );
      await client.query('DELETE FROM ingest_batch WHERE id = ANY($1::uuid[])', [ids]);
      return { batches: ids.length, ...deleted.rows[0], archived: file?.events ?? 0 };
    });
  }

  /**
   * Retention of client event ids (`_id`): a resend after `cutoff` is stored as new. Returns how many were forgotten.
   */
  async deleteExpiredClientIds(businessId: string, cutoff: Date): Promise<number> {
    const r = await this.db.pool.query('DELETE FROM event_idempotency WHERE business_id = $1 AND created_at < $2', [
      businessId,
      cutoff,
    ]);
    return r.rowCount ?? 0;
  }

  /**
   * Marks batches evaluated with their late-event counts, on the caller's transaction so it commits with the alerts
   * they raised.
   */
  async markBatchesDone(tx: Tx, done: readonly { id: string; lateEvents: number }[], at: Date): Promise<void> {
    await tx.sql.query(
      "UPDATE ingest_batch b SET status = 'done', done_at = $3, attempts = b.attempts + 1, late_events = u.late " +
        'FROM unnest($1::uuid[], $2::int[]) AS u(id, late) WHERE b.id = u.id',
      [done.map((d) => d.id), done.map((d) => d.lateEvents), at],
    );
  }
}

/**
 * COPY rows into `event` in CSV format on `client` (inside the caller's
 * transaction). Also used by the benchmark as the raw-write baseline.
 */
export async function copyEvents(
  client: PoolClient,
  businessId: string,
  batchId: string,
  schemaVersion: number,
  receivedAt: Date,
  events: readonly NewEvent[],
): Promise<void> {
  const received = receivedAt.toISOString();
  const business = csv(businessId);
  const lines: string[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const entityKey = e.entityKey === null ? '' : csv(e.entityKey);
    const clientEventId = e.clientEventId === null ? '' : csv(e.clientEventId);
    lines[i] =
      `${e.id},${business},${e.eventTime.toISOString()},${received},${entityKey},` +
      `${csv(JSON.stringify(e.payload))},${clientEventId},${batchId},${schemaVersion}\n`;
  }
  const stream = client.query(copyFrom(`COPY event (${EVENT_COLUMNS}) FROM STDIN WITH (FORMAT csv)`));
  await pipeline(Readable.from([lines.join('')]), stream);
}

/** A CSV field, always quoted, so an empty string stays distinct from NULL. */
function csv(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

function toEvent(r: Record<string, unknown>): StoredEvent {
  return {
    id: r.id as string,
    businessId: r.business_id as string,
    eventTime: r.event_time as Date,
    receivedAt: r.received_at as Date,
    entityKey: r.entity_key as string | null,
    payload: r.payload as Record<string, unknown>,
    clientEventId: r.client_event_id as string | null,
    batchId: r.batch_id as string,
    schemaVersion: r.schema_version as number,
  };
}

function toBatch(r: Record<string, unknown>): BatchRecord {
  return {
    id: r.id as string,
    seq: Number(r.seq),
    businessId: r.business_id as string,
    eventCount: r.event_count as number,
    minTime: r.min_time as Date,
    maxTime: r.max_time as Date,
    status: r.status as BatchStatus,
    lateEvents: r.late_events as number,
    attempts: r.attempts as number,
    createdAt: r.created_at as Date,
    doneAt: r.done_at as Date | null,
    requestId: r.request_id as string | null,
  };
}
