import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { TICK_JOB, evaluateJobId, evaluateQueueName, type EvaluateJobData, type TickJobData } from '@anom/contracts';
import { createRedis } from '@anom/queue';
import type { WorkerConfig } from '../config/worker.config';
import { WORKER_CONFIG } from '../infra/tokens';
import { EvaluateService, type EvaluateOutcome } from './evaluate.service';

/**
 * Consumes the partitioned evaluate queues: one BullMQ Worker per partition,
 * each queue held to a global concurrency of 1 so a business's batches run
 * one at a time, in order, across all worker processes. A thin adapter: the
 * work is EvaluateService's.
 */
@Injectable()
export class EvaluateProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly workers: Worker<EvaluateJobData | TickJobData, unknown>[] = [];
  /** Per partition, to remove the jobs of batches another job already evaluated. */
  private readonly queues: Queue[] = [];
  private readonly connections: Redis[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly evaluate: EvaluateService,
    private readonly logger: PinoLogger,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {
    logger.setContext('EvaluateProcessor');
  }

  async onApplicationBootstrap(): Promise<void> {
    const admin = createRedis(this.config.redisUrl, { name: 'anom-worker-admin' });
    this.connections.push(admin);
    for (let p = 0; p < this.config.evaluatePartitions; p++) {
      const name = evaluateQueueName(p);
      const queue = new Queue(name, { connection: admin, prefix: this.config.queuePrefix });
      await queue.setGlobalConcurrency(1);
      this.queues.push(queue);
      const connection = createRedis(this.config.redisUrl, { name: `anom-worker-${name}` });
      this.connections.push(connection);
      const worker = new Worker<EvaluateJobData | TickJobData, unknown>(name, (job) => this.process(job, queue), {
        connection,
        prefix: this.config.queuePrefix,
        concurrency: 1,
        // Jobs take milliseconds: a short lock lets a dead worker's job be
        // picked up again within seconds instead of holding its partition.
        lockDuration: this.config.lockDurationMs,
        stalledInterval: Math.max(1_000, Math.floor(this.config.lockDurationMs / 2)),
      });
      worker.on('failed', (job, err) =>
        this.logger.error(
          { err, job: job?.name, data: job?.data, attempts: job?.attemptsMade },
          'evaluation failed; will retry',
        ),
      );
      worker.on('error', (err) => this.logger.error({ err }, 'evaluate worker error'));
      this.workers.push(worker);
    }
    // The global concurrency of 1 is a key in Redis: set it again should Redis lose its data.
    const reassert = () => void Promise.all(this.queues.map((q) => q.setGlobalConcurrency(1))).catch(() => undefined);
    admin.on('ready', reassert);
    this.timer = setInterval(reassert, this.config.schedulerCheckMs);
  }

  private async process(job: Job<EvaluateJobData | TickJobData>, queue: Queue): Promise<unknown> {
    if (job.name === TICK_JOB) {
      const data = job.data as TickJobData;
      return { opened: await this.evaluate.tick(data.businessId, new Date(data.at)) };
    }
    return this.processBatch(job as Job<EvaluateJobData>, queue);
  }

  /**
   * Evaluates the job's batch (and the pending ones before it, and maybe
   * after). The later batches' own jobs would each only find their batch
   * done; they are removed instead, after the commit, which spares a job
   * round trip per batch under load (at 100 batches/s, three jobs in four
   * were such no-ops). A job that cannot be removed (not added yet, or being
   * taken) still finds its batch done: removal is only a saving.
   */
  private async processBatch(
    job: Job<EvaluateJobData>,
    queue: Queue,
  ): Promise<Omit<EvaluateOutcome & { status: 'done' }, 'batchIds'> | EvaluateOutcome> {
    const outcome = await this.evaluate.evaluateBatch(job.data.batchId);
    const context = { batchId: job.data.batchId, businessId: job.data.businessId, requestId: job.data.requestId };
    if (outcome.status !== 'done') {
      this.logger.debug({ ...context, ...outcome }, 'batch skipped');
      return outcome;
    }
    const { batchIds, ...summary } = outcome;
    const others = batchIds.filter((id) => id !== job.data.batchId);
    if (others.length > 0) await Promise.all(others.map((id) => queue.remove(evaluateJobId(id)).catch(() => 0)));
    this.logger.debug({ ...context, ...summary }, 'batch evaluated');
    return summary;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    // Finish the jobs in hand, then stop taking new ones.
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all(this.queues.map((q) => q.close()));
    for (const c of this.connections) c.disconnect();
  }
}
