import { Allow } from '../auth/permission.decorator';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { Database } from '@anom/db';
import { MaintenanceSchedulers } from '@anom/queue';
import { REDIS } from '../infra/infra.module';
import { ShutdownState } from './shutdown-state';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly schedulers: MaintenanceSchedulers,
    private readonly shutdown: ShutdownState,
  ) {}

  /**
   * Liveness: 200 while the process answers HTTP at all (no dependency is
   * checked — a Postgres outage must not make an orchestrator restart every
   * api). Restart the process when this fails.
   */
  @Get('live')
  @Allow('public')
  live() {
    return { status: 'ok' };
  }

  /** 200 when Postgres and Redis answer, 503 naming the one that does not. */
  @Get()
  @Allow('public')
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const [postgres, redis] = await Promise.all([this.db.ping(), this.pingRedis()]);
    const ok = postgres && redis;
    void reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'degraded', postgres: postgres ? 'up' : 'down', redis: redis ? 'up' : 'down' };
  }

  /**
   * Readiness of the platform, not only of this api: also 503 while the job
   * schedulers that keep the clocks (absence ticks, auto-resolve, retention)
   * are missing from Redis — no worker is running, or Redis lost its data
   * and no worker has re-established them yet (they do within seconds).
   */
  @Get('ready')
  @Allow('public')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    if (this.shutdown.stopping) {
      void reply.status(503);
      return { status: 'stopping' };
    }
    const [postgres, redis] = await Promise.all([this.db.ping(), this.pingRedis()]);
    const missing = redis ? await withTimeout(this.schedulers.missing(), 1_000).catch(() => null) : null;
    const ok = postgres && redis && missing !== null && missing.length === 0;
    void reply.status(ok ? 200 : 503);
    return {
      status: ok ? 'ok' : 'degraded',
      postgres: postgres ? 'up' : 'down',
      redis: redis ? 'up' : 'down',
      schedulers: missing === null ? 'unknown' : missing.length === 0 ? 'ok' : 'missing',
      ...(missing && missing.length > 0 ? { missingSchedulers: missing } : {}),
    };
  }

  private async pingRedis(): Promise<boolean> {
    return (await withTimeout(this.redis.ping(), 1_000).catch(() => null)) === 'PONG';
  }
}

/** `p`, or a rejection after `ms` milliseconds, whichever comes first. */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
