import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Gauge, type Registry } from 'prom-client';
import { MAINTENANCE_QUEUE, NOTIFY_QUEUE, PROFILE_QUEUE, evaluateQueueName } from '@anom/contracts';

/** Every BullMQ queue of the platform: the evaluate partitions, notify, profile and maintenance. */
export function platformQueueNames(partitions: number): string[] {
  return [
    ...Array.from({ length: partitions }, (_, p) => evaluateQueueName(p)),
    NOTIFY_QUEUE,
    PROFILE_QUEUE,
    MAINTENANCE_QUEUE,
  ];
}

/** Opens a Queue handle per platform queue on `connection` (for counting jobs and the queue dashboard). */
export function openPlatformQueues(connection: Redis, prefix: string, partitions: number): Queue[] {
  return platformQueueNames(partitions).map((name) => {
    const q = new Queue(name, { connection, prefix });
    q.on('error', () => undefined);
    return q;
  });
}

/** Job states counted per queue. */
const JOB_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;

/**
 * Registers the gauges both processes expose about the shared pipeline,
 * read at each scrape (prom-client `collect`):
 * - `anom_queue_jobs{queue,state}`: BullMQ jobs per queue and state;
 * - `anom_pending_batches` and `anom_pending_batch_oldest_age_seconds`: ingest
 *   batches accepted (202) and not yet evaluated, and how long the oldest has
 *   waited — the figure to alert on when evaluation stalls;
 * - `anom_redis_used_memory_bytes`: Redis `used_memory` (rule state, queues).
 * These describe shared state: api and worker report the same values, so
 * aggregate them with max(), not sum().
 */
export function registerPipelineGauges(
  registry: Registry,
  opts: { queues: Queue[]; redis: Redis; pending: () => Promise<{ count: number; oldestAgeSeconds: number }> },
): void {
  new Gauge({
    name: 'anom_queue_jobs',
    help: 'BullMQ jobs per queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        opts.queues.map(async (q) => {
          const counts = await q.getJobCounts(...JOB_STATES);
          for (const s of JOB_STATES) this.set({ queue: q.name, state: s }, counts[s] ?? 0);
        }),
      );
    },
  });
  let pending: Promise<{ count: number; oldestAgeSeconds: number }> | null = null;
  // Both gauges read one query per scrape.
  const readPending = () =>
    (pending ??= opts.pending().finally(() => setTimeout(() => (pending = null), 1_000).unref()));
  new Gauge({
    name: 'anom_pending_batches',
    help: 'Ingest batches accepted and not yet evaluated',
    registers: [registry],
    async collect() {
      this.set((await readPending()).count);
    },
  });
  new Gauge({
    name: 'anom_pending_batch_oldest_age_seconds',
    help: 'Age of the oldest ingest batch not yet evaluated (0 when none)',
    registers: [registry],
    async collect() {
      this.set((await readPending()).oldestAgeSeconds);
    },
  });
  new Gauge({
    name: 'anom_redis_used_memory_bytes',
    help: 'Redis used_memory: rule state, queues and counters',
    registers: [registry],
    async collect() {
      const info = await opts.redis.info('memory');
      const m = /^used_memory:(\d+)/m.exec(info);
      if (m) this.set(Number(m[1]));
    },
  });
}
