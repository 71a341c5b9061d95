import { Inject, Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { EventRepository } from '@anom/db';
import { EvaluateQueues } from '@anom/queue';
import type { WorkerConfig } from '../config/worker.config';
import { WORKER_CONFIG } from '../infra/tokens';

const SWEEP_LIMIT = 1_000;

/**
 * The outbox sweeper: enqueues every batch still pending after
 * `sweepMinAgeMs` (Redis was down at ingest, or a job was lost). Enqueueing is
 * idempotent by job id, so sweeping a batch whose job is in flight is harmless.
 */
@Injectable()
export class SweepService {
  constructor(
    private readonly events: EventRepository,
    private readonly queues: EvaluateQueues,
    private readonly logger: PinoLogger,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {
    logger.setContext('SweepService');
  }

  /** Returns how many pending batches were (re-)enqueued. */
  async sweep(now: Date = new Date()): Promise<number> {
    const pending = await this.events.pendingBatches(new Date(now.getTime() - this.config.sweepMinAgeMs), SWEEP_LIMIT);
    for (const b of pending) {
      await this.queues.enqueue({ batchId: b.id, businessId: b.businessId });
    }
    if (pending.length > 0) this.logger.info({ batches: pending.length }, 'pending batches re-enqueued');
    return pending.length;
  }
}
