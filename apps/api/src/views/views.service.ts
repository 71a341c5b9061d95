import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  DomainError,
  checkSeriesSpec,
  chooseBucketMs,
  parseDuration,
  parseViewPanels,
  type FieldDefinition,
  type SeriesAggregation,
} from '@anom/domain';
import {
  AlertRepository,
  AuditRepository,
  BusinessRepository,
  Database,
  RATE_WINDOW_MS,
  ViewRepository,
  type BusinessActivity,
  type SeriesGroup,
  type ViewRecord,
} from '@anom/db';
import type { AlertStatus, Severity } from '@anom/contracts';
import { BusinessesService } from '../business-def/businesses.service';
import type { CreateViewDto, SeriesQuery, UpdateViewDto } from './dto/view.dto';

/** Most buckets one series may have: a chart wider than this is unreadable anyway. */
export const MAX_SERIES_BUCKETS = 2_000;
/** Most alert markers returned with a series. */
const MAX_MARKERS = 500;

export interface SeriesView {
  from: Date;
  to: Date;
  bucketMs: number;
  agg: SeriesAggregation;
  field: string | null;
  groupBy: string | null;
  series: SeriesGroup[];
  /** Alerts of the business that started in the range, for markers on the time axis. */
  alerts: {
    id: string;
    ruleId: string;
    ruleName: string;
    severity: Severity;
    status: AlertStatus;
    startTime: Date;
    summary: string;
  }[];
}

export type OverviewItem = Omit<BusinessActivity, 'eventsLastRateWindow'> & {
  name: string;
  description: string;
  ratePerMinute: number;
};

/** Views of a business (chart panels as data), their time-bucketed series, and the dashboard overview. */
@Injectable()
export class ViewsService {
  constructor(
    private readonly views: ViewRepository,
    private readonly businesses: BusinessesService,
    private readonly businessRepo: BusinessRepository,
    private readonly alerts: AlertRepository,
    private readonly audit: AuditRepository,
    private readonly db: Database,
  ) {}

  async create(businessId: string, dto: CreateViewDto, actor: string, id: string = randomUUID()): Promise<ViewRecord> {
    const b = await this.businesses.getLive(businessId);
    const panels = this.parsePanels(dto.panels, b.fields);
    await this.assertNameFree(businessId, dto.name);
    const draft = { id, businessId, name: dto.name, description: dto.description ?? '', panels };
    return this.db.transaction(async (tx) => {
      const view = await this.views.create({ ...draft, position: dto.position ?? 0 }, tx);
      await this.audit.record({ actor, action: 'create', entityType: 'view', entityId: view.id, after: view }, tx);
      return view;
    });
  }

  async list(businessId: string): Promise<{ items: ViewRecord[]; nextCursor: null }> {
    await this.businesses.get(businessId);
    return { items: await this.views.listByBusiness(businessId), nextCursor: null };
  }

  async get(id: string): Promise<ViewRecord> {
    const v = await this.views.findById(id);
    if (!v) throw new DomainError('VIEW_NOT_FOUND', `no view '${id}'`);
    return v;
  }

  async update(id: string, dto: UpdateViewDto, actor: string): Promise<ViewRecord> {
    const before = await this.get(id);
    const b = await this.businesses.getLive(before.businessId);
    const panels = dto.panels !== undefined ? this.parsePanels(dto.panels, b.fields) : undefined;
    if (dto.name !== undefined && dto.name !== before.name) await this.assertNameFree(before.businessId, dto.name);
    const patch = { name: dto.name, description: dto.description, position: dto.position, panels };
    return this.db.transaction(async (tx) => {
      const after = await this.views.update(id, patch, tx);
      await this.audit.record({ actor, action: 'update', entityType: 'view', entityId: id, before, after }, tx);
      return after;
    });
  }

  async remove(id: string, actor: string): Promise<ViewRecord> {
    const before = await this.get(id);
    await this.db.transaction(async (tx) => {
      await this.views.remove(id, tx);
      await this.audit.record({ actor, action: 'delete', entityType: 'view', entityId: id, before }, tx);
    });
    return before;
  }

  /**
   * One aggregation of a field per time bucket over [from, to) (default: the
   * last 24 h), grouped, with the alerts that started in the range. The bucket
   * is chosen from the range (about 120 points) unless given; more than
   * {@link MAX_SERIES_BUCKETS} buckets is a 400 naming `bucket`.
   */
  async series(businessId: string, q: SeriesQuery): Promise<SeriesView> {
    const b = await this.businesses.get(businessId);
    const filter = q.filterField ? { field: q.filterField, values: q.filterValues ?? [] } : null;
    const problems = checkSeriesSpec(
      { agg: q.agg, field: q.field ?? null, groupBy: q.groupBy ?? null, bucket: q.bucket ?? null, filter },
      b.fields,
    );
    if (problems.length > 0) {
      // Pointers name the query parameters.
      const errors = problems.map((e) => ({
        pointer: e.pointer === '/filter/field' ? '/filterField' : e.pointer === '/filter' ? '/filterValues' : e.pointer,
        detail: e.detail,
      }));
      throw new DomainError(
        'VALIDATION_FAILED',
        errors.map((e) => `${e.pointer.slice(1)} ${e.detail}`).join('; '),
        errors,
      );
    }
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 86_400_000);
    if (from >= to)
      throw new DomainError('VALIDATION_FAILED', 'from must be before to', [
        { pointer: '/from', detail: 'must be before to' },
      ]);
    const bucketMs = q.bucket ? (parseDuration(q.bucket) as number) : chooseBucketMs(to.getTime() - from.getTime());
    if ((to.getTime() - from.getTime()) / bucketMs > MAX_SERIES_BUCKETS) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `the range holds more than ${MAX_SERIES_BUCKETS} buckets of ${q.bucket}; choose a wider bucket or a ` +
          `shorter range`,
        [{ pointer: '/bucket', detail: `at most ${MAX_SERIES_BUCKETS} buckets per series` }],
      );
    }
    const agg = q.agg as SeriesAggregation;
    const [series, alerts] = await Promise.all([
      this.views.series({
        businessId,
        field: q.field ?? null,
        agg,
        groupBy: q.groupBy ?? null,
        filter,
        bucketMs,
        from,
        to,
        maxGroups: q.maxGroups ?? 10,
      }),
      this.alerts.startedIn(businessId, from, to, MAX_MARKERS),
    ]);
    return {
      from,
      to,
      bucketMs,
      agg,
      field: q.field ?? null,
      groupBy: q.groupBy ?? null,
      series,
      alerts: alerts.map((a) => ({
        id: a.id,
        ruleId: a.ruleId,
        ruleName: a.ruleName,
        severity: a.severity,
        status: a.status,
        startTime: a.startTime,
        summary: a.summary,
      })),
    };
  }

  /**
   * Every live business with its dashboard figures: events received in the
   * last hour and per minute, last event time, unresolved alerts by
   * severity, and a 6-hour sparkline of events per 10 minutes.
   */
  async overview(now = new Date()): Promise<{ items: OverviewItem[]; nextCursor: null }> {
    const businesses = await this.businessRepo.list({ includeArchived: false, limit: 500 });
    const activity = await this.views.activity(
      businesses.map((b) => b.id),
      now,
    );
    const items = activity.map(({ eventsLastRateWindow, ...a }, i) => ({
      ...a,
      name: businesses[i].name,
      description: businesses[i].description,
      ratePerMinute: Math.round((eventsLastRateWindow / (RATE_WINDOW_MS / 60_000)) * 10) / 10,
    }));
    return { items, nextCursor: null };
  }

  private parsePanels(input: unknown, fields: readonly FieldDefinition[]) {
    const r = parseViewPanels(input, fields);
    if (!r.ok)
      throw new DomainError('VALIDATION_FAILED', r.errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '), r.errors);
    return r.panels;
  }

  private async assertNameFree(businessId: string, name: string): Promise<void> {
    if (await this.views.findByName(businessId, name))
      throw new DomainError('VIEW_NAME_TAKEN', `business '${businessId}' already has a view named '${name}'`, [
        { pointer: '/name', detail: 'is taken' },
      ]);
  }
}
