import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { Database, PoolClient } from '../database';
import { EVENT_AS_INGEST_JSON, cursorPages } from '../events/event-cursor';
import type { ArchiveStore } from './archive-store';

/** One archived file as the API lists it. */
export interface EventArchiveRecord {
  id: string;
  businessId: string;
  /** The store it was written to (`file:///…`, `s3://…`). */
  location: string;
  key: string;
  /** Earliest and latest event time in the file. */
  eventFrom: Date;
  eventTo: Date;
  events: number;
  /** Compressed size. */
  bytes: number;
  createdAt: Date;
}

/**
 * Writes a business's events as gzip-compressed NDJSON — one line per event,
 * the event as a client would send it again (payload plus `_id`), so
 * `anom replay` reads the file back — to an archive store, and records the
 * file in `event_archive` on the caller's transaction.
 *
 * Ordering makes it crash-safe: the file is durable before its row is
 * written, and the caller deletes the events on the same transaction as the
 * row, after both. A crash before commit leaves the events in place and at
 * most a file the next run writes again (same key where the selection is the
 * same; otherwise an extra copy whose events carry the same `_id`, which
 * ingest stores once).
 */
export class EventArchiver {
  constructor(readonly store: ArchiveStore) {}

  /**
   * Archives the events of `businessId` that `fromSql` (a relation: `event`
   * or one chunk) and `whereSql` (over its columns; `$1` is the business)
   * select, under `key`. Returns the recorded file, or null when no event
   * matched (nothing is written).
   */
  async archive(
    client: PoolClient,
    q: { businessId: string; fromSql: string; whereSql: string; params: unknown[]; key: string },
  ): Promise<EventArchiveRecord | null> {
    const stats = await client.query<{ n: number; lo: Date | null; hi: Date | null }>(
      `SELECT count(*)::int AS n, min(event_time) AS lo, max(event_time) AS hi FROM ${q.fromSql}
        WHERE business_id = $1 AND ${q.whereSql}`,
      [q.businessId, ...q.params],
    );
    const { n, lo, hi } = stats.rows[0];
    if (n === 0 || !lo || !hi) return null;
    const pages = cursorPages<{ line: string }>(
      client,
      `SELECT ${EVENT_AS_INGEST_JSON} AS line FROM ${q.fromSql} WHERE business_id = $1 AND ${q.whereSql}
        ORDER BY event_time, id`,
      [q.businessId, ...q.params],
    );
    const lines = Readable.from(
      (async function* () {
        for await (const page of pages) yield page.map((r) => r.line).join('\n') + '\n';
      })(),
    );
    const written = await this.store.put(q.key, lines.pipe(createGzip()));
    const r = await client.query<EventArchiveRecord>(
      `INSERT INTO event_archive (id, business_id, location, key, event_from, event_to, events, bytes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (location, key) DO UPDATE SET event_from = EXCLUDED.event_from, event_to = EXCLUDED.event_to,
         events = EXCLUDED.events, bytes = EXCLUDED.bytes, created_at = now()
       RETURNING ${ARCHIVE_COLUMNS}`,
      [randomUUID(), q.businessId, this.store.location, q.key, lo, hi, n, written.bytes],
    );
    return r.rows[0];
  }
}

const ARCHIVE_COLUMNS =
  'id, business_id AS "businessId", location, key, event_from AS "eventFrom", event_to AS "eventTo", events, ' +
  'bytes, created_at AS "createdAt"';

/** Reads the archive files recorded for a business. */
export class EventArchiveRepository {
  constructor(private readonly db: Database) {}

  /** Files of a business whose events overlap [from, to), oldest first, at most `limit`. */
  async list(businessId: string, q: { from?: Date; to?: Date; limit: number }): Promise<EventArchiveRecord[]> {
    const r = await this.db.pool.query<EventArchiveRecord>(
      `SELECT ${ARCHIVE_COLUMNS} FROM event_archive
        WHERE business_id = $1 AND ($2::timestamptz IS NULL OR event_to >= $2)
          AND ($3::timestamptz IS NULL OR event_from < $3)
        ORDER BY event_from, key LIMIT $4`,
      [businessId, q.from ?? null, q.to ?? null, q.limit],
    );
    return r.rows;
  }

  async find(businessId: string, id: string): Promise<EventArchiveRecord | null> {
    const r = await this.db.pool.query<EventArchiveRecord>(
      `SELECT ${ARCHIVE_COLUMNS} FROM event_archive WHERE business_id = $1 AND id = $2`,
      [businessId, id],
    );
    return r.rows[0] ?? null;
  }
}
