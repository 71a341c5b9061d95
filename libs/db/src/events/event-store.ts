import type { Database } from '../database';
import type { EventArchiver } from '../archive/event-archiver';
import { describeEventStore, type EventStoreInfo } from '../migrations/migrate';

/** One TimescaleDB chunk of the event hypertable: a day of event time. */
export interface EventChunk {
  /** Schema-qualified, quoted relation name, safe to put in SQL. */
  relation: string;
  name: string;
  rangeStart: Date;
  rangeEnd: Date;
  compressed: boolean;
}

/** What dropping one expired chunk did. */
export interface ChunkDropOutcome {
  chunk: string;
  rangeStart: Date;
  events: number;
  matches: number;
  batches: number;
  /** Archive files written first, one per archiving business with events in the chunk. */
  archived: { businessId: string; key: string; events: number }[];
}

/** Why an expired chunk was kept this run. */
export type ChunkHold = 'received-recently' | 'pending-batch';

/**
 * The TimescaleDB side of the event store: chunk compression and retention by
 * dropping whole chunks (TimescaleDB's `compress_chunk` and `drop_chunks`,
 * https://docs.timescale.com/api/latest/hypertable/drop_chunks/). Every method
 * is a no-op where `event` is a plain table (`isHypertable()` false); the
 * worker's retention then deletes rows.
 */
export class EventStore {
  private info: Promise<EventStoreInfo> | null = null;

  constructor(private readonly db: Database) {}

  /** Which store holds the events (read once per process). */
  describe(): Promise<EventStoreInfo> {
    return (this.info ??= describeEventStore(this.db.pool).catch((err) => {
      this.info = null;
      throw err;
    }));
  }

  async isHypertable(): Promise<boolean> {
    return (await this.describe()).kind === 'hypertable';
  }

  /** The chunks of the event hypertable, oldest first ([] on a plain table). */
  async chunks(): Promise<EventChunk[]> {
    if (!(await this.isHypertable())) return [];
    const r = await this.db.pool.query<{ s: string; n: string; lo: Date; hi: Date; c: boolean }>(
      `SELECT chunk_schema AS s, chunk_name AS n, range_start AS lo, range_end AS hi, is_compressed AS c
         FROM timescaledb_information.chunks
        WHERE hypertable_name = 'event' AND hypertable_schema = current_schema()
        ORDER BY range_start`,
    );
    return r.rows.map((row) => ({
      relation: `${quoteIdent(row.s)}.${quoteIdent(row.n)}`,
      name: row.n,
      rangeStart: row.lo,
      rangeEnd: row.hi,
      compressed: row.c,
    }));
  }

  /** The businesses with events in a chunk (a scan of its business_id column). */
  async businessesIn(chunk: EventChunk): Promise<string[]> {
    const r = await this.db.pool.query<{ b: string }>(`SELECT DISTINCT business_id AS b FROM ${chunk.relation}`);
    return r.rows.map((row) => row.b);
  }

  /**
   * Compresses the uncompressed chunks `due` says are old enough (called with
   * each chunk whose range has ended before `now`; TimescaleDB native
   * compression, segmented by business, ordered by event time). Inserts into
   * a compressed chunk still work (late events), as do reads and deletes.
   * Returns the chunks compressed.
   */
  async compressChunks(now: Date, due: (chunk: EventChunk) => Promise<boolean>): Promise<string[]> {
    const done: string[] = [];
    for (const c of await this.chunks()) {
      if (c.compressed || c.rangeEnd > now || !(await due(c))) continue;
      await this.db.pool.query('SELECT compress_chunk($1::regclass, if_not_compressed => true)', [c.relation]);
      done.push(c.name);
    }
    return done;
  }

  /**
   * Retention by whole chunks: drops each chunk whose event-time range ended
   * before `cutoff` once nothing in it was received after `cutoff` (so a
   * replay of old history keeps its full retention from receipt) and none of
   * its events belongs to a batch still pending evaluation. Before a chunk
   * goes, the events of every business in `archiving` are written through
   * `archiver` (all or nothing: a failed write keeps the chunk). The chunk's
   * rule_match rows, its events' client ids (so a replay of the archive
   * stores them again) and batches left without events go with it.
   *
   * Each chunk is handled in its own transaction holding a SHARE lock on the
   * chunk, so a late event cannot land in it between archive and drop (its
   * insert waits and then creates a fresh chunk). Returns what was dropped
   * and, per chunk kept, why.
   */
  async dropExpiredChunks(
    cutoff: Date,
    opts: { archiving?: ReadonlySet<string>; archiver?: EventArchiver | null; limit?: number } = {},
  ): Promise<{ dropped: ChunkDropOutcome[]; held: { chunk: string; why: ChunkHold }[] }> {
    const dropped: ChunkDropOutcome[] = [];
    const held: { chunk: string; why: ChunkHold }[] = [];
    const expired = (await this.chunks()).filter((c) => c.rangeEnd <= cutoff).slice(0, opts.limit ?? 50);
    for (const c of expired) {
      const outcome = await this.db.transaction(async ({ sql: client }) => {
        await client.query(`LOCK TABLE ${c.relation} IN SHARE MODE`);
        const recent = await client.query(`SELECT 1 FROM ${c.relation} WHERE received_at >= $1 LIMIT 1`, [cutoff]);
        if (recent.rowCount) return 'received-recently' as const;
        const pending = await client.query(
          `SELECT 1 FROM ingest_batch b WHERE b.status = 'pending'
              AND EXISTS (SELECT 1 FROM ${c.relation} e WHERE e.batch_id = b.id) LIMIT 1`,
        );
        if (pending.rowCount) return 'pending-batch' as const;
        const archived: ChunkDropOutcome['archived'] = [];
        if (opts.archiver && opts.archiving?.size) {
          const present = await client.query<{ b: string }>(`SELECT DISTINCT business_id AS b FROM ${c.relation}`);
          for (const { b } of present.rows) {
            if (!opts.archiving.has(b)) continue;
            const day = c.rangeStart.toISOString().slice(0, 10);
            const file = await opts.archiver.archive(client, {
              businessId: b,
              fromSql: c.relation,
              whereSql: 'true',
              params: [],
              key: `${b}/${day}/${c.name}.ndjson.gz`,
            });
            if (file) archived.push({ businessId: b, key: file.key, events: file.events });
          }
        }
        const counts = await client.query<{ events: number; matches: number }>(
          `WITH m AS (DELETE FROM rule_match WHERE event_id IN (SELECT id FROM ${c.relation}) RETURNING 1)
           SELECT (SELECT count(*) FROM ${c.relation})::int AS events, (SELECT count(*) FROM m)::int AS matches`,
        );
        // Client event ids go with their events: a replay of the archive must store them again, not skip them.
        await client.query(
          `DELETE FROM event_idempotency i USING ${c.relation} e
            WHERE e.client_event_id IS NOT NULL AND i.business_id = e.business_id
              AND i.client_event_id = e.client_event_id AND i.event_id = e.id`,
        );
        const batches = await client.query<{ id: string }>(`SELECT DISTINCT batch_id AS id FROM ${c.relation}`);
        await client.query(
          "SELECT drop_chunks('event', older_than => $1::timestamptz, newer_than => $2::timestamptz)",
          [c.rangeEnd, c.rangeStart],
        );
        const gone = await client.query(
          `DELETE FROM ingest_batch b WHERE b.id = ANY($1::uuid[]) AND b.status = 'done'
              AND NOT EXISTS (SELECT 1 FROM event e WHERE e.batch_id = b.id)`,
          [batches.rows.map((r) => r.id)],
        );
        return {
          chunk: c.name,
          rangeStart: c.rangeStart,
          events: counts.rows[0].events,
          matches: counts.rows[0].matches,
          batches: gone.rowCount ?? 0,
          archived,
        };
      });
      if (typeof outcome === 'string') held.push({ chunk: c.name, why: outcome });
      else dropped.push(outcome);
    }
    return { dropped, held };
  }

  /** Disk used by the event table (all chunks, compressed or not, with indexes and TOAST), in bytes. */
  async bytes(): Promise<number> {
    const sql = (await this.isHypertable())
      ? "SELECT hypertable_size('event') AS n"
      : "SELECT pg_total_relation_size('event') AS n";
    return Number((await this.db.pool.query<{ n: string }>(sql)).rows[0].n);
  }
}

function quoteIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}
