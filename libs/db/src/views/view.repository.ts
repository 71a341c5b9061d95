import type { SeriesAggregation, SeriesFilter, ViewPanel } from '@anom/domain';
import { EventStore } from '../events/event-store';
import type { Database, Tx } from '../database';

/** A view as stored: a named list of chart panels of one business. */
export interface ViewRecord {
  id: string;
  businessId: string;
  name: string;
  description: string;
  panels: ViewPanel[];
  position: number;
  createdAt: Date;
  updatedAt: Date;
}

/** One point of a series: bucket start (ISO time) and the aggregate, null where no event had the field. */
export interface SeriesPoint {
  t: Date;
  v: number | null;
}

/** The buckets of one group (or of all events when the series is not grouped: `group` null). */
export interface SeriesGroup {
  group: string | null;
  points: SeriesPoint[];
}

/** The span the dashboard's current rate is measured over (ms). */
export const RATE_WINDOW_MS = 5 * 60_000;

/** Per business, the figures of the dashboard. */
export interface BusinessActivity {
  businessId: string;
  /** Events received (ingested) in the last hour. */
  eventsLastHour: number;
  /** Events received in the last RATE_WINDOW_MS (5 minutes): the current rate, which a backfill an hour ago no longer
   * inflates. */
  eventsLastRateWindow: number;
  /** When the business last received events (receipt clock, as eventsLastHour and the sparkline). */
  lastReceivedAt: Date | null;
  /** The newest event time stored (event clock: a replay of old history can put it years back). */
  lastEventAt: Date | null;
  openAlerts: Record<string, number>;
  /** Suggestions waiting for a person's decision. */
  pendingSuggestions: number;
  /** Events received per bucket over the last `sparkHours` hours, oldest first. */
  spark: { t: Date; n: number }[];
}

// SQL of each aggregation over the numeric value `x` of the field. Percentiles
// are continuous (linear interpolation), as Grafana and TimescaleDB's
// percentile_cont do.
const AGG_SQL: Record<SeriesAggregation, string> = {
  count: 'count(*)',
  avg: 'avg(x)',
  min: 'min(x)',
  max: 'max(x)',
  sum: 'sum(x)',
  p50: 'percentile_cont(0.5) WITHIN GROUP (ORDER BY x)',
  p90: 'percentile_cont(0.9) WITHIN GROUP (ORDER BY x)',
  p95: 'percentile_cont(0.95) WITHIN GROUP (ORDER BY x)',
  p99: 'percentile_cont(0.99) WITHIN GROUP (ORDER BY x)',
};

/** Storage of views, and the time-bucket queries the views page and dashboard draw from. */
export class ViewRepository {
  private readonly store: EventStore;

  constructor(private readonly db: Database) {
    this.store = new EventStore(db);
  }

  async create(
    v: Pick<ViewRecord, 'id' | 'businessId' | 'name' | 'description' | 'panels' | 'position'>,
    tx?: Tx,
  ): Promise<ViewRecord> {
    const row = await (tx?.prisma ?? this.db.prisma).view.create({ data: { ...v, panels: v.panels as object[] } });
    return toRecord(row);
  }

  async listByBusiness(businessId: string): Promise<ViewRecord[]> {
    const rows = await this.db.prisma.view.findMany({
      where: { businessId },
      orderBy: [{ position: 'asc' }, { name: 'asc' }],
    });
    return rows.map(toRecord);
  }

  async findById(id: string): Promise<ViewRecord | null> {
    const row = await this.db.prisma.view.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  async findByName(businessId: string, name: string): Promise<ViewRecord | null> {
    const row = await this.db.prisma.view.findUnique({ where: { businessId_name: { businessId, name } } });
    return row ? toRecord(row) : null;
  }

  async update(
    id: string,
    patch: Partial<Pick<ViewRecord, 'name' | 'description' | 'panels' | 'position'>>,
    tx?: Tx,
  ): Promise<ViewRecord> {
    const row = await (tx?.prisma ?? this.db.prisma).view.update({
      where: { id },
      data: { ...patch, panels: patch.panels as object[] | undefined },
    });
    return toRecord(row);
  }

  async remove(id: string, tx?: Tx): Promise<void> {
    await (tx?.prisma ?? this.db.prisma).view.delete({ where: { id } });
  }

  /**
   * `agg` of payload field `field` per `bucketMs` bucket (aligned to the Unix
   * epoch: TimescaleDB's `time_bucket` with that origin on a hypertable, which
   * its planner pushes into chunk scans and compressed-chunk decompression,
   * Postgres's `date_bin` — the same buckets — on a plain table) over
   * event time in [from, to), one series per value of `groupBy` — the
   * `maxGroups` groups with the most events in the range. Values that are not
   * JSON numbers are left out of numeric aggregations; `filter` keeps the
   * events whose field, as text, is one of its values.
   */
  async series(q: {
    businessId: string;
    field: string | null;
    agg: SeriesAggregation;
    groupBy: string | null;
    filter: SeriesFilter | null;
    bucketMs: number;
    from: Date;
    to: Date;
    maxGroups: number;
  }): Promise<SeriesGroup[]> {
    const args: unknown[] = [q.businessId, q.from, q.to, `${q.bucketMs} milliseconds`];
    const f = q.field ? `$${args.push(q.field)}` : null;
    const x = f
      ? `CASE WHEN jsonb_typeof(payload -> ${f}) = 'number' THEN (payload ->> ${f})::float8 END`
      : 'NULL::float8';
    const g = q.groupBy ? `payload ->> $${args.push(q.groupBy)}` : 'NULL::text';
    // count of a field counts the events that carry it.
    let filter = f && q.agg === 'count' ? ` AND payload ? ${f}` : '';
    if (q.filter)
      filter += ` AND payload ->> $${args.push(q.filter.field)} = ANY($${args.push(q.filter.values)}::text[])`;
    const groups = q.groupBy
      ? `, top AS (SELECT g FROM src GROUP BY g ORDER BY count(*) DESC, g LIMIT $${args.push(q.maxGroups)})`
      : '';
    const bucket = (await this.store.isHypertable()) ? 'time_bucket' : 'date_bin';
    const sql = `WITH src AS (
        SELECT ${bucket}($4::interval, event_time, timestamptz 'epoch') AS t, ${g} AS g, ${x} AS x
        FROM event WHERE business_id = $1 AND event_time >= $2 AND event_time < $3${filter}
      )${groups}
      SELECT t, g, ${AGG_SQL[q.agg]}::float8 AS v FROM src
      ${q.groupBy ? 'WHERE g IN (SELECT g FROM top)' : ''}
      GROUP BY t, g ORDER BY g NULLS FIRST, t`;
    const r = await this.db.pool.query<{ t: Date; g: string | null; v: number | null }>(sql, args);
    const out = new Map<string | null, SeriesPoint[]>();
    for (const row of r.rows) {
      let points = out.get(row.g);
      if (!points) out.set(row.g, (points = []));
      points.push({ t: row.t, v: row.v });
    }
    return [...out].map(([group, points]) => ({ group, points }));
  }

  /**
   * Dashboard figures of every business in `businessIds` at `now`: events
   * received in the last hour, the latest event time, open and acknowledged
   * alerts by severity, pending suggestions, and events received per `sparkBucketMs` bucket over
   * the last `sparkHours` hours (receive time: what is flowing now, whatever
   * the events' own times).
   */
  async activity(
    businessIds: string[],
    now: Date,
    sparkHours = 6,
    sparkBucketMs = 10 * 60_000,
  ): Promise<BusinessActivity[]> {
    if (businessIds.length === 0) return [];
    const hourAgo = new Date(now.getTime() - 3_600_000);
    const sparkFrom = new Date(now.getTime() - sparkHours * 3_600_000);
    // Rates and the sparkline sum received batches (ingest_batch_business_created_idx), not event rows.
    const rateFrom = new Date(now.getTime() - RATE_WINDOW_MS);
    const [counts, last, received, alerts, spark, suggestions] = await Promise.all([
      this.db.pool.query<{ b: string; n: number; r: number }>(
        'SELECT business_id AS b, sum(event_count)::int AS n, ' +
          'coalesce(sum(event_count) FILTER (WHERE created_at >= $4), 0)::int AS r FROM ingest_batch ' +
          'WHERE business_id = ANY($1) AND created_at >= $2 AND created_at <= $3 GROUP BY 1',
        [businessIds, hourAgo, now, rateFrom],
      ),
      // One index probe per business (event_business_time_idx) instead of a scan.
      this.db.pool.query<{ b: string; t: Date | null }>(
        'SELECT b, (SELECT max(event_time) FROM event WHERE business_id = b) AS t FROM unnest($1::text[]) AS b',
        [businessIds],
      ),
      this.db.pool.query<{ b: string; t: Date | null }>(
        'SELECT b, (SELECT max(created_at) FROM ingest_batch WHERE business_id = b) AS t FROM unnest($1::text[]) AS b',
        [businessIds],
      ),
      this.db.pool.query<{ b: string; s: string; n: number }>(
        'SELECT business_id AS b, severity AS s, count(*)::int AS n FROM alert WHERE business_id = ANY($1) AND ' +
          "status <> 'resolved' GROUP BY 1, 2",
        [businessIds],
      ),
      this.db.pool.query<{ b: string; t: Date; n: number }>(
        "SELECT business_id AS b, date_bin($4::interval, created_at, timestamptz 'epoch') AS t, " +
          'sum(event_count)::int AS n FROM ingest_batch WHERE business_id = ANY($1) AND created_at >= $2 AND ' +
          'created_at <= $3 GROUP BY 1, 2 ORDER BY 1, 2',
        [businessIds, sparkFrom, now, `${sparkBucketMs} milliseconds`],
      ),
      this.db.pool.query<{ b: string; n: number }>(
        'SELECT business_id AS b, count(*)::int AS n FROM suggestion ' +
          "WHERE business_id = ANY($1) AND status = 'pending' GROUP BY 1",
        [businessIds],
      ),
    ]);
    return businessIds.map((b) => ({
      businessId: b,
      eventsLastHour: counts.rows.find((r) => r.b === b)?.n ?? 0,
      eventsLastRateWindow: counts.rows.find((r) => r.b === b)?.r ?? 0,
      lastReceivedAt: received.rows.find((r) => r.b === b)?.t ?? null,
      lastEventAt: last.rows.find((r) => r.b === b)?.t ?? null,
      openAlerts: Object.fromEntries(alerts.rows.filter((r) => r.b === b).map((r) => [r.s, r.n])),
      pendingSuggestions: suggestions.rows.find((r) => r.b === b)?.n ?? 0,
      spark: fillBuckets(
        spark.rows.filter((r) => r.b === b),
        sparkFrom,
        now,
        sparkBucketMs,
      ),
    }));
  }
}

/** Every bucket from `from` to `to`, zero where no row has it. */
function fillBuckets(rows: { t: Date; n: number }[], from: Date, to: Date, bucketMs: number): { t: Date; n: number }[] {
  const byT = new Map(rows.map((r) => [r.t.getTime(), r.n]));
  const out: { t: Date; n: number }[] = [];
  for (let t = Math.floor(from.getTime() / bucketMs) * bucketMs; t <= to.getTime(); t += bucketMs)
    out.push({ t: new Date(t), n: byT.get(t) ?? 0 });
  return out;
}

function toRecord(r: {
  id: string;
  businessId: string;
  name: string;
  description: string;
  panels: unknown;
  position: number;
  createdAt: Date;
  updatedAt: Date;
}): ViewRecord {
  return {
    id: r.id,
    businessId: r.businessId,
    name: r.name,
    description: r.description,
    panels: r.panels as ViewPanel[],
    position: r.position,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
