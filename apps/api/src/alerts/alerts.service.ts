import { Injectable } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import {
  ANOMALY_THRESHOLD,
  DomainError,
  baselineScores,
  compileRule,
  type BaselineScorePoint,
  type CompiledRule,
} from '@anom/domain';
import {
  AuditRepository,
  Database,
  AlertRepository,
  EventRepository,
  NotificationRepository,
  RuleRepository,
  SilenceRepository,
  type AlertRecord,
  type StoredEvent,
  type AlertTransitionRecord,
  type NotificationRecord,
  type SilenceRecord,
} from '@anom/db';
import { NotifyQueue } from '@anom/queue';
import { BusinessesService } from '../business-def/businesses.service';
import type { AlertStatus, Severity } from '@anom/contracts';
import { decodeCursor, isTimeIdCursor, toPage, type Page } from '../common/pagination';
import type { ListAlertsQuery } from './dto/alert.dto';

/** Events of the alert's group replayed for its scores: bounds the cost of the replay (about 1 s at most). */
const SCORE_MAX_EVENTS = 5_000;
/**
 * Newest events of the business among which the group's are looked for: bounds the rows read for a rare group (about
 * 0.13 s for 100,000 of a million-event hypertable, the bench's, compressed chunks included).
 */
const SCORE_SCAN_EVENTS = 100_000;
/** Scored events of the group shown before an alert's start and after its end. */
const SCORE_POINTS_BEFORE = 200;
const SCORE_POINTS_AFTER = 100;

/** `silences`: those in force now that match the alert (its notifications are muted while any is). */
export type AlertDetail = AlertRecord & {
  history: AlertTransitionRecord[];
  eventIds: string[];
  notifications: NotificationRecord[];
  silences: SilenceRecord[];
  /** With `include=events`: the events of `eventIds` that are still stored (retention may have dropped some). */
  events?: StoredEvent[];
};

/** Alert queries and the human side of the lifecycle: acknowledge, resolve. */
@Injectable()
export class AlertsService {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly notifications: NotificationRepository,
    private readonly notify: NotifyQueue,
    private readonly silences: SilenceRepository,
    private readonly audit: AuditRepository,
    private readonly db: Database,
    private readonly metrics: MetricsService,
    private readonly events: EventRepository,
    private readonly rules: RuleRepository,
    private readonly businesses: BusinessesService,
  ) {}

  /** A page of alerts, newest first; `silenced`: a silence in force now mutes its notifications. */
  async list(q: ListAlertsQuery): Promise<Page<AlertRecord & { silenced: boolean }>> {
    const limit = q.limit ?? 50;
    const before = q.cursor ? decodeCursor(q.cursor, isTimeIdCursor) : undefined;
    const rows = await this.alerts.list({
      businessId: q.businessId,
      status: q.status as AlertStatus[] | undefined,
      severity: q.severity as Severity[] | undefined,
      ruleId: q.ruleId,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      limit: limit + 1,
      before: before && { firstSeenAt: new Date(before.t), id: before.id },
    });
    const page = toPage(rows, limit, (a) => ({ t: a.firstSeenAt.toISOString(), id: a.id }));
    const silenced = await this.silences.silencedAmong(
      page.items.map((a) => a.id),
      new Date(),
    );
    return { ...page, items: page.items.map((a) => ({ ...a, silenced: silenced.has(a.id) })) };
  }

  /**
   * The alert with its history (state changes, escalations), the ids of up
   * to 100 events involved, its notifications with every delivery attempt,
   * and the silences in force now that match it.
   */
  async get(id: string, include: readonly 'events'[] = []): Promise<AlertDetail> {
    const alert = await this.alerts.findById(id);
    if (!alert) throw new DomainError('ALERT_NOT_FOUND', `no alert '${id}'`);
    const [history, eventIds, notifications, silences] = await Promise.all([
      this.alerts.history(id),
      this.alerts.eventIds(id, 100),
      this.notifications.listForAlert(id),
      this.silences.matching(id, new Date()),
    ]);
    const detail: AlertDetail = { ...alert, history, eventIds, notifications, silences };
    if (include.includes('events'))
      // Within the alert's span on the business's time index, as the app shows them (event time, newest first).
      detail.events = await this.events.list({
        businessId: alert.businessId,
        from: alert.startTime,
        to: new Date(alert.endTime.getTime() + 1),
        ids: eventIds,
        limit: 100,
      });
    return detail;
  }

  /**
   * A baseline alert's anomaly scores around it: the newest SCORE_MAX_EVENTS events of its group up to a day after
   * the alert's end (among the business's newest SCORE_SCAN_EVENTS there), replayed from an empty state with the
   * alert's rule version (baselineScores), and the points from SCORE_POINTS_BEFORE before its start to
   * SCORE_POINTS_AFTER after its end. A group with fewer events than that among those of the business gets a
   * shorter history, so its first scores come from a shorter one. Throws
   * ALERT_NOT_FOUND, and ALERT_NOT_SCORED when the rule is not a baseline (or its version is gone, or no longer fits
   * the business's schema).
   */
  async scores(id: string): Promise<{
    alertId: string;
    field: string;
    threshold: number;
    points: BaselineScorePoint[];
  }> {
    const alert = await this.alerts.findById(id);
    if (!alert) throw new DomainError('ALERT_NOT_FOUND', `no alert '${id}'`);
    const definition = await this.rules.definitionAt(alert.ruleId, alert.ruleVersion);
    if (definition?.kind !== 'baseline')
      throw new DomainError('ALERT_NOT_SCORED', 'only the alerts of a baseline rule have an anomaly score', [
        { pointer: '/alertId', detail: `the alert's rule is ${definition?.kind ?? 'gone'}, not baseline` },
      ]);
    const business = await this.businesses.get(alert.businessId);
    let rule: CompiledRule;
    try {
      rule = compileRule(
        { id: alert.ruleId, version: alert.ruleVersion, definition },
        business.fields,
        business.timezone,
      );
    } catch (e) {
      // The business's schema changed under the rule version: it no longer runs, so it has no score to replay.
      throw new DomainError('ALERT_NOT_SCORED', `the alert's rule version no longer fits the business schema`, [
        { pointer: '/alertId', detail: (e as Error).message },
      ]);
    }
    const newestFirst = await this.events.listOfGroup({
      businessId: alert.businessId,
      to: new Date(alert.endTime.getTime() + 86_400_000),
      groupKey: alert.groupKey,
      limit: SCORE_MAX_EVENTS,
      scan: SCORE_SCAN_EVENTS,
    });
    const points = baselineScores(rule, alert.fingerprint, newestFirst.reverse());
    const start = alert.startTime.getTime();
    const end = alert.endTime.getTime();
    let first = points.findIndex((p) => p.eventTime.getTime() >= start);
    if (first < 0) first = points.length;
    let last = first;
    while (last < points.length && points[last].eventTime.getTime() <= end) last++;
    return {
      alertId: id,
      field: definition.field,
      threshold: ANOMALY_THRESHOLD,
      points: points.slice(Math.max(0, first - SCORE_POINTS_BEFORE), last + SCORE_POINTS_AFTER),
    };
  }

  /** open -> acknowledged. Throws ALERT_TRANSITION_INVALID from any other state. */
  async acknowledge(id: string, actor: string, note: string | null): Promise<AlertRecord> {
    return this.move(id, ['open'], 'acknowledged', actor, note);
  }

  /**
   * Acknowledges each open alert of `ids` with one note. Alerts that are not
   * open (already acknowledged or resolved) or do not exist are skipped and
   * reported with the reason; the others are acknowledged one by one, so one
   * bad id never blocks the rest.
   */
  async acknowledgeMany(
    ids: string[],
    actor: string,
    note: string | null,
  ): Promise<{ acknowledged: AlertRecord[]; skipped: { id: string; reason: string }[] }> {
    const acknowledged: AlertRecord[] = [];
    const skipped: { id: string; reason: string }[] = [];
    for (const id of [...new Set(ids)]) {
      try {
        acknowledged.push(await this.acknowledge(id, actor, note));
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        skipped.push({ id, reason: err.message });
      }
    }
    return { acknowledged, skipped };
  }

  /** open | acknowledged -> resolved (by a person). */
  async resolve(id: string, actor: string, note: string | null): Promise<AlertRecord> {
    const resolved = await this.move(id, ['open', 'acknowledged'], 'resolved', actor, note);
    this.metrics.resolved.inc({ how: 'person' });
    return resolved;
  }

  private async move(
    id: string,
    from: AlertStatus[],
    to: 'acknowledged' | 'resolved',
    actor: string,
    note: string | null,
  ): Promise<AlertRecord> {
    // The person's action and its audit row commit together.
    const moved = await this.db.transaction(async (tx) => {
      const r = await this.alerts.transition(id, from, to, actor, note, new Date(), tx);
      const action = to === 'acknowledged' ? 'acknowledge' : 'resolve';
      if (r) await this.audit.record({ actor, action, entityType: 'alert', entityId: id, after: { note } }, tx);
      return r;
    });
    if (moved) {
      // Queued with the transition; if Redis is away the worker's sweeper delivers them.
      await this.notify.enqueue(moved.notifications);
      return moved.alert;
    }
    const current = await this.alerts.findById(id);
    if (!current) throw new DomainError('ALERT_NOT_FOUND', `no alert '${id}'`);
    throw new DomainError(
      'ALERT_TRANSITION_INVALID',
      `alert '${id}' is ${current.status}; only ${from.join(' or ')} alerts can be ${to}`,
    );
  }
}
