import { Queue, type JobsOptions } from 'bullmq';
import IORedis, { type Redis, type RedisOptions } from 'ioredis';
import {
  EVALUATE_JOB,
  TICK_JOB,
  evaluateJobId,
  evaluatePartition,
  evaluateQueueName,
  tickJobId,
  type EvaluateJobData,
  type TickJobData,
} from '@anom/contracts';

/**
 * Job defaults in one place (BullMQ "going to production"): retries with
 * exponential back-off, a bounded completed history, failed jobs kept for
 * inspection and for the sweeper to retry.
 */
export const JOB_DEFAULTS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { count: 1000 },
  removeOnFail: false,
};

/**
 * A Redis connection. Producers fail fast when Redis is away (`fast: true`:
 * no offline queue, one retry), so ingest answers 202 from Postgres alone and
 * the sweeper enqueues later; workers block and wait (`maxRetriesPerRequest: null`).
 */
export function createRedis(url: string, opts: { fast?: boolean; name?: string } = {}): Redis {
  const base: RedisOptions = opts.fast
    ? {
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        connectTimeout: 2_000,
        retryStrategy: (n) => Math.min(n * 200, 2_000),
      }
    : { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 200, 2_000) };
  const redis = new IORedis(url, { ...base, connectionName: opts.name, lazyConnect: false });
  // Connection errors are retried by ioredis; without a listener they would crash the process.
  redis.on('error', () => undefined);
  return redis;
}

/** Events per business below which its jobs keep no priority (see EvaluateQueues.priorityOf). */
export const FAIR_QUANTUM = 1_000;
/** The slot (ms) events are counted in for fair scheduling; the current and previous slot count. */
export const FAIR_SLOT_MS = 10_000;
/** Businesses whose recent events one process remembers for fair scheduling (then it starts again). */
const FAIR_MAX_BUSINESSES = 10_000;

/** The partitioned evaluate queues, as producers see them. */
export class EvaluateQueues {
  private readonly queues: Queue<EvaluateJobData | TickJobData>[];
  /** Events enqueued per business in the current and previous FAIR_SLOT_MS slot (priorityOf). */
  private readonly recent = new Map<string, { slot: number; cur: number; prev: number }>();

  constructor(
    private readonly connection: Redis,
    readonly partitions: number,
    readonly prefix: string,
  ) {
    this.queues = Array.from({ length: partitions }, (_, p) => {
      const q = new Queue<EvaluateJobData | TickJobData>(evaluateQueueName(p), {
        connection,
        prefix,
        defaultJobOptions: JOB_DEFAULTS,
      });
      // Connection errors surface as rejected enqueues, which callers handle; don't print them twice.
      q.on('error', () => undefined);
      return q;
    });
  }

  queueFor(businessId: string): Queue<EvaluateJobData | TickJobData> {
    return this.queues[evaluatePartition(businessId, this.partitions)];
  }

  all(): readonly Queue<EvaluateJobData | TickJobData>[] {
    return this.queues;
  }

  /**
   * Enqueues the evaluation of a batch under its deterministic job id, so a
   * second enqueue of the same batch is a no-op while the first job exists.
   * If that job failed for good, it is retried instead. Throws when Redis is
   * unreachable; callers that must not fail (ingest) catch and rely on the sweeper.
   */
  async enqueue(data: EvaluateJobData, timeoutMs = 2_000): Promise<void> {
    // Fail fast while Redis is away instead of waiting on the reconnect.
    if (this.connection.status !== 'ready') throw new Error(`redis is ${this.connection.status}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`enqueue timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.add(data), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Fair scheduling between the businesses of a partition: a business that
   * sent few events lately (under FAIR_QUANTUM in the current and previous
   * FAIR_SLOT_MS) enqueues without a priority, first in line as before; one
   * that sent more gets priority 1 + log2(1 + events / FAIR_QUANTUM), so its
   * backlog runs after the jobs of quieter businesses instead of ahead of
   * them. Lower is sooner in BullMQ, and jobs without a priority go before any
   * with one. Order within a business needs no queue order: a job evaluates
   * its business's pending batches oldest first (EvaluateService). The same
   * idea as the weighted fair queueing of network schedulers, in log steps.
   * Counted in this process (no round trip on the ingest path): each api
   * replica weighs the traffic it takes, which for a flood is enough.
   */
  private priorityOf(data: EvaluateJobData): number | undefined {
    const slot = Math.floor(Date.now() / FAIR_SLOT_MS);
    let c = this.recent.get(data.businessId);
    if (!c || c.slot < slot - 1) c = { slot, cur: 0, prev: 0 };
    else if (c.slot === slot - 1) c = { slot, cur: 0, prev: c.cur };
    c.cur += data.events ?? 1;
    if (this.recent.size >= FAIR_MAX_BUSINESSES && !this.recent.has(data.businessId)) this.recent.clear();
    this.recent.set(data.businessId, c);
    const recent = c.cur + c.prev;
    if (recent < FAIR_QUANTUM) return undefined;
    return 1 + Math.min(20, Math.floor(Math.log2(1 + recent / FAIR_QUANTUM)));
  }

  private async add(data: EvaluateJobData): Promise<void> {
    const queue = this.queueFor(data.businessId);
    const jobId = evaluateJobId(data.batchId);
    const existing = await queue.getJob(jobId);
    if (existing) {
      if (await existing.isFailed()) await existing.retry('failed');
      else if (await existing.isCompleted()) {
        // Completed but the batch is still pending (it only completes after marking done,
        // so this means the row was rolled back): run it again.
        await existing.remove();
        await queue.add(EVALUATE_JOB, data, { jobId, priority: this.priorityOf(data) });
      }
      return;
    }
    await queue.add(EVALUATE_JOB, data, { jobId, priority: this.priorityOf(data) });
  }

  /**
   * Enqueues an absence tick on the business's partition, so it runs between
   * that business's batches, never beside them. One job per tick slot.
   */
  async enqueueTick(businessId: string, at: number, everyMs: number): Promise<void> {
    await this.queueFor(businessId).add(
      TICK_JOB,
      { businessId, at },
      {
        jobId: tickJobId(businessId, at, everyMs),
        attempts: 3,
        removeOnComplete: { count: 100 },
        removeOnFail: { count: 100 },
      },
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close()));
  }
}
