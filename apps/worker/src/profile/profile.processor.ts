import { Inject, Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { PROFILE_QUEUE, type ProfileJobData } from '@anom/contracts';
import { QueueConsumer, type ConsumedQueue } from '@anom/queue';
import type { WorkerConfig } from '../config/worker.config';
import { WORKER_CONFIG } from '../infra/tokens';
import { ProfileService } from './profile.service';

/** Consumes the profile queue, one run at a time per process (profiling is CPU work). */
@Injectable()
export class ProfileProcessor extends QueueConsumer {
  constructor(
    private readonly profiles: ProfileService,
    logger: PinoLogger,
    @Inject(WORKER_CONFIG) config: WorkerConfig,
  ) {
    super({ redisUrl: config.redisUrl, prefix: config.queuePrefix, logger, name: 'anom-worker' });
    logger.setContext('ProfileProcessor');
  }

  protected consumes(): ConsumedQueue<ProfileJobData>[] {
    return [
      {
        queue: PROFILE_QUEUE,
        handler: (job) => this.profiles.run(job.data.runId),
        concurrency: 1,
        // A run profiles weeks of events: it may take minutes.
        lockDurationMs: 120_000,
      },
    ];
  }
}
