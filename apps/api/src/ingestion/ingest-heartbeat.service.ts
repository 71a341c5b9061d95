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
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(IngestHeartbeat.name);
    this.availability = new IngestAvailability(redis, config.queuePrefix);
  }

  async onApplicationBootstrap(): Promise<void> {
    // The api's Redis client does not queue commands while it connects (it answers ingest fast or not at all).
    await connected(this.redis, READY_WAIT_MS);
    if (!this.config.ingestHeartbeat) {
      await this.availability
        .forget()
        .catch((err: unknown) => this.logger.warn({ err }, 'could not drop the ingest heartbeat record'));
      return;
    }
    const now = Date.now();
    if ((await this.beat(now)) === now)
      this.logger.info(
        { resumedAt: new Date(now).toISOString() },
        'ingest resumed: no api was up before; absence rules count silence from now',
      );
    this.timer = setInterval(() => void this.beat(), INGEST_BEAT_MS);
    this.timer.unref();
  }

  /** One beat; a failure is logged (the next beat retries) and gives null. */
  private beat(now = Date.now()): Promise<number | null> {
    return this.availability.beat(now).catch((err: unknown) => {
      this.logger.warn({ err }, 'ingest heartbeat failed');
      return null;
    });
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

/**
 * How long the first beat waits for the Redis connection (ms); past it the beat fails, is logged, and the next one
 * retries.
 */
const READY_WAIT_MS = 5_000;

/** Resolves once `redis` is connected, or after `timeoutMs`. */
function connected(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
  });
}
