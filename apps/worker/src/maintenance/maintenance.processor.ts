import { Inject, Injectable } from '@nestjs/common';
import { Queue, type Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import {
  AUTO_RESOLVE_JOB,
  AUTO_RESOLVE_SCHEDULER_ID,
  MAINTENANCE_QUEUE,
  PROFILE_ALL_JOB,
  PROFILE_SCHEDULER_ID,
  RETENTION_JOB,
  RETENTION_SCHEDULER_ID,
  SWEEP_SCHEDULER_ID,
  TICK_ABSENCE_JOB,
  TICK_SCHEDULER_ID,
} from '@anom/contracts';
import { QueueConsumer, type ConsumedQueue } from '@anom/queue';
import type { WorkerConfig } from '../config/worker.config';
import { WORKER_CONFIG } from '../infra/tokens';
import { AbsenceTicks } from '../rule-engine/absence-ticks.service';
import { AutoResolveService } from './auto-resolve.service';
import { OutboxSweeper } from './outbox-sweeper.service';
import { RetentionService } from './retention.service';
import { ProfileService } from '../profile/profile.service';

/**
 * Scheduled housekeeping through BullMQ job schedulers, so one worker runs
 * each tick however many are up.
 *
 * Job schedulers live in Redis: when Redis loses its data they are gone, and
 * with them absence ticks, auto-resolve, retention and profiling. Every
 * worker checks them every SCHEDULER_CHECK_MS and whenever its connection is
 * ready again, and re-establishes the missing ones (the api's
 * `/health/ready` says degraded meanwhile). The batch sweeper, which must
 * run for accepted batches to be evaluated at all, does not depend on Redis:
 * each worker runs it on its own timer (enqueueing is idempotent, so several
 * sweeping at once is harmless), and once at start-up.
 */
const JOB_OPTS = { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } };

@Injectable()
export class MaintenanceProcessor extends QueueConsumer {
  private queue?: Queue;
  private timers: NodeJS.Timeout[] = [];
  private sweeping = false;
  private ensuring: Promise<void> | null = null;

  constructor(
    private readonly sweeper: OutboxSweeper,
    private readonly ticks: AbsenceTicks,
    private readonly resolver: AutoResolveService,
    private readonly retention: RetentionService,
    private readonly profiles: ProfileService,
    private readonly logger: PinoLogger,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {
    super({ redisUrl: config.redisUrl, prefix: config.queuePrefix, logger, name: 'anom-worker' });
    logger.setContext('MaintenanceProcessor');
  }

  protected async consumes(): Promise<ConsumedQueue[]> {
    const connection = this.connection('maintenance-admin');
    this.queue = new Queue(MAINTENANCE_QUEUE, { connection, prefix: this.config.queuePrefix });
    // At start-up every scheduler is upserted, so a changed interval takes effect; later checks add missing ones.
    await this.ensureSchedulers(true);
    // A scheduler from before the sweeper ran on local timers.
    await this.queue.removeJobScheduler(SWEEP_SCHEDULER_ID);
    // Daily profiling also once at start-up, so a fresh install shows suggestions soon (one job per
    // hour slot, so several workers starting together queue it once).
    if (this.config.profileEveryMs > 0) {
      await this.queue.add(
        PROFILE_ALL_JOB,
        {},
        { ...JOB_OPTS, jobId: `${PROFILE_ALL_JOB}-start-${Math.floor(Date.now() / 3_600_000)}` },
      );
    } else {
      await this.queue.removeJobScheduler(PROFILE_SCHEDULER_ID);
    }
    connection.on(
      'ready',
      () => void this.ensureSchedulers().catch((err) => this.logger.warn({ err }, 'job schedulers not checked')),
    );
    this.timers.push(
      setInterval(
        () => void this.ensureSchedulers().catch((err) => this.logger.warn({ err }, 'job schedulers not checked')),
        this.config.schedulerCheckMs,
      ),
    );
    this.timers.push(setInterval(() => void this.sweep(), this.config.sweepEveryMs));
    void this.sweep();
    return [
      {
        queue: MAINTENANCE_QUEUE,
        handler: (job) => this.run(job),
        concurrency: 1,
        failedMessage: 'maintenance job failed',
      },
    ];
  }

  /** One scheduled job: what it did, for the job's return value. */
  private async run(job: Job): Promise<unknown> {
    if (job.name === TICK_ABSENCE_JOB) return { ticked: await this.ticks.enqueueTicks() };
    if (job.name === AUTO_RESOLVE_JOB) return { resolved: (await this.resolver.autoResolve()).length };
    if (job.name === RETENTION_JOB) return await this.retention.applyStorage();
    if (job.name === PROFILE_ALL_JOB) return { queued: await this.profiles.scheduleAll() };
    return null;
  }

  /** The schedulers this worker's configuration wants: id, every (ms), job name. */
  private schedulers(): [string, number, string][] {
    const out: [string, number, string][] = [
      [TICK_SCHEDULER_ID, this.config.tickEveryMs, TICK_ABSENCE_JOB],
      [AUTO_RESOLVE_SCHEDULER_ID, this.config.autoResolveEveryMs, AUTO_RESOLVE_JOB],
      [RETENTION_SCHEDULER_ID, this.config.retentionEveryMs, RETENTION_JOB],
    ];
    if (this.config.profileEveryMs > 0)
      out.push([PROFILE_SCHEDULER_ID, Math.min(this.config.profileEveryMs, 3_600_000), PROFILE_ALL_JOB]);
    return out;
  }

  /**
   * Upserts every job scheduler that is missing (every one with `all`), logging those that were missing. One check at a
   * time.
   */
  async ensureSchedulers(all = false): Promise<void> {
    if (this.ensuring) return this.ensuring;
    this.ensuring = (async () => {
      const queue = this.queue!;
      const missing: string[] = [];
      for (const [id, every, name] of this.schedulers()) {
        const exists = await queue.getJobScheduler(id);
        if (exists && !all) continue;
        await queue.upsertJobScheduler(id, { every }, { name, opts: JOB_OPTS });
        if (!exists) missing.push(id);
      }
      if (missing.length > 0 && !all)
        this.logger.warn({ schedulers: missing }, 'job schedulers were missing (Redis lost its data?): re-established');
    })().finally(() => {
      this.ensuring = null;
    });
    return this.ensuring;
  }

  /** The batch and notification sweep, on this worker's own timer; never two at once in this process. */
  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      await this.sweeper.sweep();
      await this.sweeper.sweepNotifications();
    } catch (err) {
      this.logger.warn({ err }, 'sweep failed; the next one retries');
    } finally {
      this.sweeping = false;
    }
  }

  protected override async beforeClose(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
  }

  protected override async afterClose(): Promise<void> {
    await this.queue?.close();
  }
}
