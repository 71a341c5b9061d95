import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis } from './evaluate-queues';

/** Where a consumer logs: pino's signature (an object, then the message). */
export interface ConsumerLogger {
  error(obj: object, msg: string): void;
}

/** One queue a consumer takes jobs from. */
export interface ConsumedQueue<D = any, R = any> {
  queue: string;
  /** The job's work; throwing makes BullMQ retry it per the job's attempts. */
  handler: (job: Job<D>) => Promise<R>;
  /** Jobs this process runs at once from this queue. */
  concurrency: number;
  /** BullMQ lock duration (ms): how long a job may run before another worker may take it as stalled. */
  lockDurationMs?: number;
  /** How often (ms) BullMQ looks for stalled jobs (default: its own, 30 s). */
  stalledIntervalMs?: number;
  /** Log every failed attempt with this message (the handler logs its own failures otherwise). */
  failedMessage?: string;
}

/** What every consumer needs: Redis, the queue prefix, a logger, and a name for its connections. */
export interface ConsumerSettings {
  redisUrl: string;
  prefix: string;
  logger: ConsumerLogger;
  /** Connection names are `<name>` and `<name>-<queue>`, as seen in Redis `CLIENT LIST`. */
  name: string;
}

/**
 * The base of every queue processor: declare the queues consumed and their
 * handlers (`consumes`); this class opens one blocking Redis connection per
 * queue (a BullMQ Worker blocks its connection), logs worker errors (and
 * failed attempts where asked), and closes gracefully: the jobs in hand
 * finish, then no new one is taken, then the connections close.
 *
 * Framework-free: its `onApplicationBootstrap` / `onApplicationShutdown` are
 * the lifecycle hooks NestJS calls on a provider that has them, so a Nest
 * provider that extends it is started and stopped with the application.
 */
export abstract class QueueConsumer {
  private readonly workers: Worker[] = [];
  private readonly connections: Redis[] = [];

  protected constructor(private readonly settings: ConsumerSettings) {}

  /** The queues to consume, with their handlers; called once at start (set-up may happen here). */
  protected abstract consumes(): ConsumedQueue[] | Promise<ConsumedQueue[]>;

  /** Before the workers close: stop timers, stop producing. */
  protected async beforeClose(): Promise<void> {}

  /** After the workers closed, before the connections do: close queues opened with `connection()`. */
  protected async afterClose(): Promise<void> {}

  /** A Redis connection of this consumer's own (for queues it administers), closed with it. */
  protected connection(suffix?: string): Redis {
    const name = suffix ? `${this.settings.name}-${suffix}` : this.settings.name;
    const redis = createRedis(this.settings.redisUrl, { name });
    this.connections.push(redis);
    return redis;
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const q of await this.consumes()) this.consume(q);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.beforeClose();
    await Promise.all(this.workers.map((w) => w.close()));
    await this.afterClose();
    for (const c of this.connections) c.disconnect();
  }

  private consume(q: ConsumedQueue): void {
    const { logger, prefix } = this.settings;
    const worker = new Worker(q.queue, q.handler, {
      connection: this.connection(q.queue),
      prefix,
      concurrency: q.concurrency,
      ...(q.lockDurationMs !== undefined ? { lockDuration: q.lockDurationMs } : {}),
      ...(q.stalledIntervalMs !== undefined ? { stalledInterval: q.stalledIntervalMs } : {}),
    });
    worker.on('error', (err) => logger.error({ err, queue: q.queue }, 'queue worker error'));
    if (q.failedMessage) {
      const message = q.failedMessage;
      worker.on('failed', (job, err) =>
        logger.error({ err, queue: q.queue, job: job?.name, data: job?.data, attempts: job?.attemptsMade }, message),
      );
    }
    this.workers.push(worker);
  }
}
