import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  AUTO_RESOLVE_SCHEDULER_ID,
  MAINTENANCE_QUEUE,
  RETENTION_SCHEDULER_ID,
  TICK_SCHEDULER_ID,
} from '@anom/contracts';

/** The job schedulers alerts depend on: absence ticks, auto-resolve, retention. */
export const REQUIRED_SCHEDULERS = [TICK_SCHEDULER_ID, AUTO_RESOLVE_SCHEDULER_ID, RETENTION_SCHEDULER_ID] as const;

/**
 * Reads whether the maintenance job schedulers exist in Redis (they vanish
 * when Redis loses its data, until a worker re-establishes them): what the
 * api's readiness reports.
 */
export class MaintenanceSchedulers {
  private readonly queue: Queue;

  constructor(connection: Redis, prefix: string) {
    this.queue = new Queue(MAINTENANCE_QUEUE, { connection, prefix });
    // Connection errors surface as rejected reads, which callers handle.
    this.queue.on('error', () => undefined);
  }

  /** Ids of the required schedulers that are missing (empty when all exist). Throws when Redis does not answer. */
  async missing(): Promise<string[]> {
    const found = await Promise.all(REQUIRED_SCHEDULERS.map((id) => this.queue.getJobScheduler(id)));
    return REQUIRED_SCHEDULERS.filter((_, i) => !found[i]);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
