import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { PROFILE_QUEUE, type ProfileJobData } from '@anom/contracts';
import { createRedis } from '@anom/queue';
import type { WorkerConfig } from '../config/worker.config';
import { WORKER_CONFIG } from '../infra/tokens';
import { ProfileService } from './profile.service';

/** Consumes the profile queue, one run at a time per process (profiling is CPU work). */
@Injectable()
export class ProfileProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker?: Worker<ProfileJobData>;
  private connection?: Redis;

  constructor(
    private readonly profiles: ProfileService,
    private readonly logger: PinoLogger,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {
    logger.setContext('ProfileProcessor');
  }

  onApplicationBootstrap(): void {
    this.connection = createRedis(this.config.redisUrl, { name: 'anom-worker-profile' });
    this.worker = new Worker<ProfileJobData>(PROFILE_QUEUE, (job) => this.profiles.run(job.data.runId), {
      connection: this.connection,
      prefix: this.config.queuePrefix,
      concurrency: 1,
      lockDuration: 120_000,
    });
    this.worker.on('error', (err) => this.logger.error({ err }, 'profile worker error'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    this.connection?.disconnect();
  }
}
