import { Inject, Injectable } from '@nestjs/common';
import { Queue, type Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { TICK_JOB, evaluateJobId, evaluateQueueName, type EvaluateJobData, type TickJobData } from '@anom/contracts';
import { QueueConsumer, type ConsumedQueue } from '@anom/queue';
import type { WorkerConfig } from '../config/worker.config';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { WORKER_CONFIG } from '../infra/tokens';
import { EvaluateService, type EvaluateOutcome } from './evaluate.service';

/**
 * Consumes the partitioned evaluate queues: one BullMQ Worker per partition,
 * each queue held to a global concurrency of 1 so a business's batches run
 * one at a time, in order, across all worker processes. A thin adapter: the
 * work is EvaluateService's.
 */
@Injectable()
export class EvaluateProcessor extends QueueConsumer {
  /** Per partition, to remove the jobs of batches another job already evaluated. */
  private readonly queues: Queue[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly evaluate: EvaluateService,
    private readonly logger: PinoLogger,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly metrics: WorkerMetrics,
  ) {
    super({ redisUrl: config.redisUrl, prefix: config.queuePrefix, logger, name: 'anom-worker' });
    logger.setContext('EvaluateProcessor');
  }

  protected async consumes(): Promise<ConsumedQueue<EvaluateJobData | TickJobData>[]> {
    const admin = this.connection('admin');
    const consumed: ConsumedQueue<EvaluateJobData | TickJobData>[] = [];
    for (let p = 0; p < this.config.evaluatePartitions; p++) {
      const name = evaluateQueueName(p);
      const queue = new Queue(name, { connection: admin, prefix: this.config.queuePrefix });
      await queue.setGlobalConcurrency(1);
      this.queues.push(queue);
      consumed.push({
        queue: name,
        handler: (job) => this.process(job, queue),
        concurrency: 1,
        // Jobs take milliseconds: a short lock lets a dead worker's job be
        // picked up again within seconds instead of holding its partition.
        lockDurationMs: this.config.lockDurationMs,
        stalledIntervalMs: Math.max(1_000, Math.floor(this.config.lockDurationMs / 2)),
        failedMessage: 'evaluation failed; will retry',
      });
    }
    // The global concurrency of 1 is a key in Redis: set it again should Redis lose its data.
    const reassert = () => void Promise.all(this.queues.map((q) => q.setGlobalConcurrency(1))).catch(() => undefined);
    admin.on('ready', reassert);
    this.timer = setInterval(reassert, this.config.schedulerCheckMs);
    return consumed;
  }

  private async process(job: Job<EvaluateJobData | TickJobData>, queue: Queue): Promise<unknown> {
    if (job.name === TICK_JOB) {
      const data = job.data as TickJobData;
      this.metrics.tickDelay.observe(Math.max(0, Date.now() - data.at) / 1000);
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

  protected override async beforeClose(): Promise<void> {
    clearInterval(this.timer);
  }

  protected override async afterClose(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close()));
  }
}
