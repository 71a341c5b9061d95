import { Inject, Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { AlertRepository, BusinessRepository, EventRepository, NotificationRepository, RuleRepository } from '@anom/db';
import { EvaluateQueues, NotifyQueue } from '@anom/queue';
import type { WorkerConfig } from '../config/worker.config';
import { WORKER_CONFIG } from '../infra/tokens';

const SWEEP_LIMIT = 1_000;
/**
 * Batches deleted per retention transaction, and at most this many transactions per business per run (the next run goes
 * on).
 */
const RETENTION_CHUNK = 200;
const RETENTION_MAX_CHUNKS = 250;
const DAY_MS = 86_400_000;

/** What one retention run deleted for one business. */
export interface RetentionOutcome {
  businessId: string;
  batches: number;
  events: number;
  matches: number;
  clientIds: number;
}

/**
 * The outbox sweeper: enqueues every batch still pending after
 * `sweepMinAgeMs` (Redis was down at ingest, or a job was lost). Enqueueing is
 * idempotent by job id, so sweeping a batch whose job is in flight is harmless.
 */
@Injectable()
export class SweepService {
  constructor(
    private readonly events: EventRepository,
    private readonly alerts: AlertRepository,
    private readonly rules: RuleRepository,
    private readonly businesses: BusinessRepository,
    private readonly queues: EvaluateQueues,
    private readonly notifications: NotificationRepository,
    private readonly notify: NotifyQueue,
    private readonly logger: PinoLogger,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {
    logger.setContext('SweepService');
  }

  /** Returns how many pending batches were (re-)enqueued. */
  async sweep(now: Date = new Date()): Promise<number> {
    const pending = await this.events.pendingBatches(new Date(now.getTime() - this.config.sweepMinAgeMs), SWEEP_LIMIT);
    for (const b of pending) {
      await this.queues.enqueue({ batchId: b.id, businessId: b.businessId, events: b.eventCount });
    }
    if (pending.length > 0) this.logger.info({ batches: pending.length }, 'pending batches re-enqueued');
    return pending.length;
  }

  /**
   * Enqueues notifications still pending after `notifySweepMinAgeMs` (Redis
   * was away, or the process died between commit and enqueue). Idempotent by
   * job id: one waiting out its back-off is left as it is. Returns how many.
   */
  async sweepNotifications(now: Date = new Date()): Promise<number> {
    const ids = await this.notifications.pendingIds(
      new Date(now.getTime() - this.config.notifySweepMinAgeMs),
      SWEEP_LIMIT,
    );
    const n = await this.notify.enqueue(ids);
    if (n > 0) this.logger.info({ notifications: n }, 'pending notifications re-enqueued');
    return n;
  }

  /** Enqueues an absence tick for every live business with an enabled absence rule. */
  async enqueueTicks(now: Date = new Date()): Promise<number> {
    const ids = await this.rules.businessesWithLiveRulesOf('absence');
    for (const id of ids) await this.queues.enqueueTick(id, now.getTime(), this.config.tickEveryMs);
    return ids.length;
  }

  /**
   * Retention: every business keeps its events `retentionDays` after they
   * were received (receipt, not event time, so a replay of old history is not
   * dropped on arrival). Deletes evaluated batches received before that with
   * their events (and the events' rule_match rows), in chunks, and forgets
   * client event ids as old; pending batches stay until evaluated. Alerts
   * and their evidence are kept.
   * Returns what was deleted, per business that lost anything.
   */
  async applyRetention(now: Date = new Date()): Promise<RetentionOutcome[]> {
    const out: RetentionOutcome[] = [];
    for (const { id, retentionDays } of await this.businesses.retentionPolicies()) {
      const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
      const total: RetentionOutcome = { businessId: id, batches: 0, events: 0, matches: 0, clientIds: 0 };
      for (let i = 0; i < RETENTION_MAX_CHUNKS; i++) {
        const d = await this.events.deleteExpired(id, cutoff, RETENTION_CHUNK);
        total.batches += d.batches;
        total.events += d.events;
        total.matches += d.matches;
        if (d.batches < RETENTION_CHUNK) break;
      }
      total.clientIds = await this.events.deleteExpiredClientIds(id, cutoff);
      if (total.batches > 0 || total.clientIds > 0) {
        this.logger.info(total, 'retention: expired events deleted');
        out.push(total);
      }
    }
    return out;
  }

  /** Resolves alerts whose condition has been clear for their rule's resolveAfter. */
  async autoResolve(now: Date = new Date()): Promise<string[]> {
    const { resolved, notifications } = await this.alerts.autoResolve(now);
    if (resolved.length > 0) this.logger.info({ alerts: resolved.length }, 'alerts auto-resolved');
    await this.notify.enqueue(notifications);
    return resolved;
  }
}
