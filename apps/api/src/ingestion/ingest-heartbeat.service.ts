import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { INGEST_BEAT_MS, IngestAvailability } from '@anom/queue';
import type { ApiConfig } from '../config/api.config';
import { REDIS } from '../infra/infra.module';
import { API_CONFIG } from '../infra/tokens';

/**
 * Records, every INGEST_BEAT_MS from the api's start (before it listens),
 * that ingest is up (IngestAvailability): the worker's absence ticks then
 * know when no api accepted events, and do not call that the sources'
 * silence. A failed beat is logged and retried on the next one; it never
 * stops ingest. Off with INGEST_HEARTBEAT=false (where time is simulated),
 * which also drops any earlier record so that absence rules fall back to
 * the clock alone.
 */
@Injectable()
export class IngestHeartbeat implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly availability: IngestAvailability;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(IngestHeartbeat.name);
    this.availability = new IngestAvailability(redis, config.queuePrefix);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.ingestHeartbeat) {
      await this.availability.forget().catch((err: unknown) => this.logger.warn({ err }, 'could not drop the ingest heartbeat record'));
      return;
    }
    const now = Date.now();
    const resumedAt = await this.availability.beat(now).catch((err: unknown) => {
      this.logger.warn({ err }, 'ingest heartbeat failed');
      return null;
    });
    if (resumedAt === now) this.logger.info({ resumedAt: new Date(now).toISOString() }, 'ingest resumed: no api was up before; absence rules count silence from now');
    this.timer = setInterval(() => {
      this.availability.beat().catch((err: unknown) => this.logger.warn({ err }, 'ingest heartbeat failed'));
    }, INGEST_BEAT_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
