import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { AUTO_RESOLVE_JOB, AUTO_RESOLVE_SCHEDULER_ID, MAINTENANCE_QUEUE, PROFILE_ALL_JOB, PROFILE_SCHEDULER_ID, RETENTION_JOB, RETENTION_SCHEDULER_ID, SWEEP_BATCHES_JOB, SWEEP_SCHEDULER_ID, TICK_ABSENCE_JOB, TICK_SCHEDULER_ID } from '@anom/contracts';
import { createRedis } from '@anom/queue';
import type { WorkerConfig } from '../config/worker.config';
import { WORKER_CONFIG } from '../infra/tokens';
import { SweepService } from './sweep.service';
import { ProfileService } from '../profile/profile.service';

/**
 * Scheduled housekeeping through a BullMQ job scheduler, so one worker runs
 * each tick however many are up. Also sweeps once at start-up.
 */
@Injectable()
export class MaintenanceProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker?: Worker;
  private queue?: Queue;
  private connection?: Redis;
  private workerConnection?: Redis;

  constructor(
    private readonly sweeper: SweepService,
    private readonly profiles: ProfileService,
    private readonly logger: PinoLogger,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {
    logger.setContext('MaintenanceProcessor');
  }

  async onApplicationBootstrap(): Promise<void> {
    this.connection = createRedis(this.config.redisUrl, { name: 'anom-worker-maintenance' });
    this.queue = new Queue(MAINTENANCE_QUEUE, { connection: this.connection, prefix: this.config.queuePrefix });
    const opts = { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } };
    await this.queue.upsertJobScheduler(SWEEP_SCHEDULER_ID, { every: this.config.sweepEveryMs }, { name: SWEEP_BATCHES_JOB, opts });
    await this.queue.upsertJobScheduler(TICK_SCHEDULER_ID, { every: this.config.tickEveryMs }, { name: TICK_ABSENCE_JOB, opts });
    await this.queue.upsertJobScheduler(AUTO_RESOLVE_SCHEDULER_ID, { every: this.config.autoResolveEveryMs }, { name: AUTO_RESOLVE_JOB, opts });
    await this.queue.upsertJobScheduler(RETENTION_SCHEDULER_ID, { every: this.config.retentionEveryMs }, { name: RETENTION_JOB, opts });
    // Daily profiling, and once at start-up so a fresh install shows suggestions soon (one job per
    // hour slot, so several workers starting together queue it once).
    if (this.config.profileEveryMs > 0) {
      await this.queue.upsertJobScheduler(PROFILE_SCHEDULER_ID, { every: Math.min(this.config.profileEveryMs, 3_600_000) }, { name: PROFILE_ALL_JOB, opts });
      await this.queue.add(PROFILE_ALL_JOB, {}, { ...opts, jobId: `${PROFILE_ALL_JOB}-start-${Math.floor(Date.now() / 3_600_000)}` });
    } else {
      await this.queue.removeJobScheduler(PROFILE_SCHEDULER_ID);
    }
    this.workerConnection = createRedis(this.config.redisUrl, { name: 'anom-worker-maintenance-consumer' });
    this.worker = new Worker(
      MAINTENANCE_QUEUE,
      async (job) => {
        if (job.name === SWEEP_BATCHES_JOB) return { swept: await this.sweeper.sweep(), notifications: await this.sweeper.sweepNotifications() };
        if (job.name === TICK_ABSENCE_JOB) return { ticked: await this.sweeper.enqueueTicks() };
        if (job.name === AUTO_RESOLVE_JOB) return { resolved: (await this.sweeper.autoResolve()).length };
        if (job.name === RETENTION_JOB) return { deleted: await this.sweeper.applyRetention() };
        if (job.name === PROFILE_ALL_JOB) return { queued: await this.profiles.scheduleAll() };
        return null;
      },
      { connection: this.workerConnection, prefix: this.config.queuePrefix, concurrency: 1 },
    );
    this.worker.on('error', (err) => this.logger.error({ err }, 'maintenance worker error'));
    this.worker.on('failed', (job, err) => this.logger.error({ err, job: job?.name }, 'maintenance job failed'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
    this.connection?.disconnect();
    this.workerConnection?.disconnect();
  }
}
