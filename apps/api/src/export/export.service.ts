import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import {
  BusinessRepository,
  Database,
  EVENT_AS_INGEST_JSON,
  EventArchiveRepository,
  archiveStoreOf,
  cursorPages,
  type ArchiveStore,
  type EventArchiveRecord,
} from '@anom/db';
import { DomainError } from '@anom/domain';
import type { ApiConfig } from '../config/api.config';
import { API_CONFIG } from '../infra/tokens';
import { AlertsService } from '../alerts/alerts.service';
import type { ExportAlertsQuery, ExportEventsQuery, ListArchivesQuery } from './dto/export.dto';

/** Exports one process streams at once; more answer 429 (each holds a database connection while it streams). */
const MAX_CONCURRENT_EXPORTS = 4;
/** Rows fetched per cursor page. */
const PAGE = 2_000;

/** A streamed download: its media type, file name and body. */
export interface Download {
  contentType: string;
  filename: string;
  body: Readable;
}

/**
 * Streaming exports — events as NDJSON or CSV, the alerts list as CSV — and
 * the archive files retention wrote. Nothing is buffered whole: events are
 * read through a server-side cursor in pages of 2,000 inside one read-only
 * REPEATABLE READ transaction (a consistent snapshot), and each page is
 * written when the client has taken the previous one (stream backpressure),
 * so memory stays flat whatever the range holds.
 */
@Injectable()
export class ExportService {
  private running = 0;
  private readonly archiveStore: ArchiveStore | null;

  constructor(
    private readonly db: Database,
    private readonly businesses: BusinessRepository,
    private readonly archives: EventArchiveRepository,
    private readonly alerts: AlertsService,
    @Inject(API_CONFIG) config: ApiConfig,
  ) {
    this.archiveStore = archiveStoreOf(config.archive);
  }

  /**
   * The events of a business with event time in [from, to), oldest first.
   * Throws BUSINESS_NOT_FOUND, VALIDATION_FAILED (from not before to) or
   * RATE_LIMITED (too many exports running).
   */
  async events(businessId: string, q: ExportEventsQuery): Promise<Download> {
    const business = await this.businesses.findById(businessId);
    if (!business) throw new DomainError('BUSINESS_NOT_FOUND', `no business '${businessId}'`);
    const from = q.from ? new Date(q.from) : new Date(0);
    const to = q.to ? new Date(q.to) : new Date();
    if (from >= to)
      throw new DomainError('VALIDATION_FAILED', 'from must be before to', [
        { pointer: '/from', detail: 'must be before to' },
      ]);
    const format = q.format ?? 'ndjson';
    const release = this.acquire();
    const stamp = `${businessId}-events-${from.toISOString().slice(0, 10)}-${to.toISOString().slice(0, 10)}`;
    const where = 'business_id = $1 AND event_time >= $2 AND event_time < $3 ORDER BY event_time, id';
    if (format === 'ndjson') {
      const lines = this.snapshotPages<{ line: string }>(
        `SELECT ${EVENT_AS_INGEST_JSON} AS line FROM event WHERE ${where}`,
        [businessId, from, to],
        release,
      );
      const body = Readable.from(
        (async function* () {
          for await (const page of lines) yield page.map((r) => r.line).join('\n') + '\n';
        })(),
      );
      // A client gone before the first read never starts the generator (whose `finally` releases the slot).
      body.once('close', release);
      return { contentType: 'application/x-ndjson', filename: `${stamp}.ndjson`, body };
    }
    const fields = business.fields.map((f) => f.name);
    const rows = this.snapshotPages<{
      id: string;
      t: Date;
      r: Date;
      k: string | null;
      p: Record<string, unknown>;
    }>(
      `SELECT coalesce(client_event_id, id::text) AS id, event_time AS t, received_at AS r, entity_key AS k,
              payload AS p FROM event WHERE ${where}`,
      [businessId, from, to],
      release,
    );
    const columns = ['_id', 'event_time', 'received_at', 'entity_key', ...fields];
    const body = Readable.from(
      (async function* () {
        yield csvText([columns]);
        for await (const page of rows)
          yield csvText(
            page.map((e) => [
              e.id,
              e.t.toISOString(),
              e.r.toISOString(),
              e.k ?? '',
              ...fields.map((f) => csvCell(e.p[f])),
            ]),
          );
      })(),
    );
    body.once('close', release);
    return { contentType: 'text/csv; charset=utf-8', filename: `${stamp}.csv`, body };
  }

  /** Every alert the list's filters select, newest first, as CSV. Throws RATE_LIMITED like `events`. */
  async alertsCsv(q: ExportAlertsQuery): Promise<Download> {
    const release = this.acquire();
    const alerts = this.alerts;
    const columns = [
      'id',
      'business_id',
      'rule_id',
      'status',
      'severity',
      'count',
      'first_seen_at',
      'last_seen_at',
      'start_time',
      'end_time',
      'group_key',
      'summary',
      'silenced',
      'acknowledged_at',
      'acknowledged_by',
      'resolved_at',
      'resolved_by',
    ];
    const body = Readable.from(
      (async function* () {
        try {
          yield csvText([columns]);
          let cursor: string | undefined;
          do {
            const page = await alerts.list({ ...q, limit: 500, cursor });
            yield csvText(
              page.items.map((a) => [
                a.id,
                a.businessId,
                a.ruleId,
                a.status,
                a.severity,
                a.count,
                a.firstSeenAt.toISOString(),
                a.lastSeenAt.toISOString(),
                a.startTime.toISOString(),
                a.endTime.toISOString(),
                csvCell(a.groupKey),
                csvCell(a.summary),
                a.silenced,
                a.acknowledgedAt?.toISOString() ?? '',
                csvCell(a.acknowledgedBy ?? ''),
                a.resolvedAt?.toISOString() ?? '',
                csvCell(a.resolvedBy ?? ''),
              ]),
            );
            cursor = page.nextCursor ?? undefined;
          } while (cursor);
        } finally {
          release();
        }
      })(),
    );
    body.once('close', release);
    return {
      contentType: 'text/csv; charset=utf-8',
      filename: `alerts-${new Date().toISOString().slice(0, 10)}.csv`,
      body,
    };
  }

  /** The archive files of a business (see EventArchiver), oldest first. Throws BUSINESS_NOT_FOUND. */
  async listArchives(businessId: string, q: ListArchivesQuery): Promise<EventArchiveRecord[]> {
    if (!(await this.businesses.findById(businessId)))
      throw new DomainError('BUSINESS_NOT_FOUND', `no business '${businessId}'`);
    return this.archives.list(businessId, {
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      limit: q.limit ?? 100,
    });
  }

  /**
   * The bytes of one archive file (gzip NDJSON). Throws ARCHIVE_NOT_FOUND,
   * or ARCHIVE_NOT_CONFIGURED when this api has no ARCHIVE_URL or the file
   * was written to another location.
   */
  async archiveFile(businessId: string, archiveId: string): Promise<Download> {
    const file = await this.archives.find(businessId, archiveId);
    if (!file) throw new DomainError('ARCHIVE_NOT_FOUND', `no archive file '${archiveId}' of '${businessId}'`);
    if (!this.archiveStore || this.archiveStore.location !== file.location)
      throw new DomainError(
        'ARCHIVE_NOT_CONFIGURED',
        `the file is in ${file.location}, which this api does not read (ARCHIVE_URL)`,
      );
    const body = await this.archiveStore.get(file.key).catch(() => {
      throw new DomainError('ARCHIVE_NOT_FOUND', `archive file '${file.key}' is missing from ${file.location}`);
    });
    return { contentType: 'application/gzip', filename: file.key.split('/').pop() ?? 'events.ndjson.gz', body };
  }

  /** Takes an export slot; the returned function gives it back (once). */
  private acquire(): () => void {
    if (this.running >= MAX_CONCURRENT_EXPORTS)
      throw new DomainError(
        'RATE_LIMITED',
        `${MAX_CONCURRENT_EXPORTS} exports are running; try again when one has finished`,
        [],
        { 'Retry-After': '10' },
      );
    this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
    };
  }

  /**
   * Pages of `sql` read through a cursor in one read-only snapshot on a
   * dedicated connection, released (with the export slot) when the reader
   * finishes, fails or goes away.
   */
  private async *snapshotPages<R extends Record<string, unknown>>(
    sql: string,
    params: unknown[],
    release: () => void,
  ): AsyncGenerator<R[]> {
    try {
      const client = await this.db.pool.connect();
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        yield* cursorPages<R>(client, sql, params, PAGE);
        await client.query('COMMIT');
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
      }
    } finally {
      release();
    }
  }
}

/**
 * A CSV cell: objects as JSON, null/undefined empty, and text that a
 * spreadsheet would run as a formula (leading `=`, `+`, `-`, `@`, tab or
 * carriage return) prefixed with `'` — OWASP's advice on CSV injection
 * (https://owasp.org/www-community/attacks/CSV_Injection). Numbers and
 * booleans are written as they are.
 */
export function csvCell(v: unknown): string | number | boolean {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** RFC 4180 CSV text (csv-stringify, CRLF line ends) of a page of array records. */
function csvText(records: unknown[][]): string {
  return stringify(records, { record_delimiter: 'windows' });
}
