import { Inject, Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { EventRepository, NotificationRepository } from '@anom/db';
import { EvaluateQueues, NotifyQueue } from '@anom/queue';
import type { WorkerConfig } from '../config/worker.config';
import { WORKER_CONFIG } from '../infra/tokens';

/** Batches and notifications re-enqueued per sweep at most (the next sweep takes the rest). */
const SWEEP_LIMIT = 1_000;

/**
 * The outbox sweeper: enqueues every ingest batch still pending after
 * `sweepMinAgeMs` and every notification still pending after
 * `notifySweepMinAgeMs` (Redis was down, or the process died between commit
 * and enqueue). Enqueueing is idempotent by job id, so sweeping one whose job
 * is in flight is harmless. It is what makes "accepted means evaluated" hold
 * without Redis at ingest time.
 */
@Injectable()
export class OutboxSweeper {
  constructor(
    private readonly events: EventRepository,
    private readonly notifications: NotificationRepository,
    private readonly queues: EvaluateQueues,
    private readonly notify: NotifyQueue,
    private readonly logger: PinoLogger,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {
    logger.setContext('OutboxSweeper');
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

  /** Re-enqueues pending notifications; one waiting out its back-off is left as it is. Returns how many. */
  async sweepNotifications(now: Date = new Date()): Promise<number> {
    const ids = await this.notifications.pendingIds(
      new Date(now.getTime() - this.config.notifySweepMinAgeMs),
      SWEEP_LIMIT,
    );
    const n = await this.notify.enqueue(ids);
    if (n > 0) this.logger.info({ notifications: n }, 'pending notifications re-enqueued');
    return n;
  }
}
