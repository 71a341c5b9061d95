import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  NOTIFY_ATTEMPTS,
  NOTIFY_BACKOFF_MS,
  NOTIFY_JOB,
  NOTIFY_QUEUE,
  notifyJobId,
  type NotifyJobData,
} from '@anom/contracts';

/**
 * Producer side of the notify queue. `enqueue` never throws: a notification
 * is already durable as a `pending` row, and the sweeper enqueues what could
 * not be enqueued now (Redis away). Returns how many were enqueued.
 */
export class NotifyQueue {
  private readonly queue: Queue<NotifyJobData>;

  constructor(
    private readonly connection: Redis,
    prefix: string,
    private readonly opts: { attempts?: number; backoffMs?: number } = {},
  ) {
    this.queue = new Queue<NotifyJobData>(NOTIFY_QUEUE, { connection, prefix });
    this.queue.on('error', () => undefined);
  }

  async enqueue(notificationIds: readonly string[]): Promise<number> {
    if (notificationIds.length === 0 || this.connection.status !== 'ready') return 0;
    try {
      await this.queue.addBulk(
        notificationIds.map((notificationId) => ({
          name: NOTIFY_JOB,
          data: { notificationId },
          opts: {
            jobId: notifyJobId(notificationId),
            attempts: this.opts.attempts ?? NOTIFY_ATTEMPTS,
            backoff: { type: 'exponential', delay: this.opts.backoffMs ?? NOTIFY_BACKOFF_MS },
            removeOnComplete: { count: 1000 },
            removeOnFail: { count: 1000 },
          },
        })),
      );
      return notificationIds.length;
    } catch {
      return 0;
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
