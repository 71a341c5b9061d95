import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { Database } from '@anom/db';
import type { WorkerConfig } from '../config/worker.config';
import { PRODUCER_REDIS, WORKER_CONFIG } from '../infra/tokens';
import { WorkerMetrics } from './worker-metrics';

/**
 * The worker's small HTTP server (the worker has no API): `GET /metrics`
 * (Prometheus text; a bearer token when WORKER_METRICS_TOKEN is set),
 * `GET /health/live` (200 while the process serves requests: restart it
 * when this fails) and `GET /health/ready` (200 when Postgres and Redis
 * answer within a second and the worker is not shutting down; 503 naming
 * what is down otherwise — take it out of rotation, don't restart it).
 * Listens on WORKER_HTTP_HOST:WORKER_HTTP_PORT (port 0: any free port, see `url`).
 */
@Injectable()
export class WorkerHttpServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | null = null;
  private stopping = false;

  constructor(
    private readonly metrics: WorkerMetrics,
    private readonly db: Database,
    @Inject(PRODUCER_REDIS) private readonly redis: Redis,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('WorkerHttpServer');
  }

  /** Where the server listens (`http://host:port`), once started. */
  get url(): string | null {
    const a = this.server?.address() as AddressInfo | null | undefined;
    return a ? `http://${this.config.httpHost}:${a.port}` : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((req, res) => {
      void this.handle(req.method ?? 'GET', req.url ?? '/', req.headers.authorization).then(
        ({ status, type, body }) => {
          res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
          res.end(body);
        },
        (err: Error) => {
          this.logger.warn({ err }, 'worker http request failed');
          res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
        },
      );
    });
    // Scrapes and probes are short: an idle keep-alive socket must not hold the shutdown.
    server.keepAliveTimeout = 5_000;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.config.httpPort, this.config.httpHost, () => resolve());
      });
    } catch (err) {
      // A second worker on the same host with the same port: evaluation matters more than its metrics.
      this.logger.error(
        { err, port: this.config.httpPort },
        'worker metrics and health not served (set WORKER_HTTP_PORT per worker); evaluating anyway',
      );
      return;
    }
    this.server = server;
    this.logger.info({ url: this.url }, 'worker metrics and health listening');
  }

  private async handle(
    method: string,
    url: string,
    authorization: string | undefined,
  ): Promise<{ status: number; type: string; body: string }> {
    const path = url.split('?')[0];
    const json = (status: number, body: unknown) => ({ status, type: 'application/json', body: JSON.stringify(body) });
    if (method !== 'GET' && method !== 'HEAD') return json(405, { status: 'method not allowed' });
    if (path === '/health/live') return json(200, { status: 'ok' });
    if (path === '/health/ready') {
      const [postgres, redis] = await Promise.all([
        withTimeout(this.db.ping(), 1_000).catch(() => false),
        withTimeout(this.redis.ping(), 1_000).then(
          (p) => p === 'PONG',
          () => false,
        ),
      ]);
      const ok = postgres && redis && !this.stopping;
      return json(ok ? 200 : 503, {
        status: ok ? 'ok' : this.stopping ? 'stopping' : 'degraded',
        postgres: postgres ? 'up' : 'down',
        redis: redis ? 'up' : 'down',
      });
    }
    if (path === '/metrics') {
      if (this.config.metricsToken && authorization !== `Bearer ${this.config.metricsToken}`)
        return json(401, { status: 'unauthorized' });
      return { status: 200, type: this.metrics.contentType, body: await this.metrics.render() };
    }
    return json(404, { status: 'not found' });
  }

  /** Called first on shutdown: readiness turns 503 at once, then the server closes. */
  beforeShutdown(): void {
    this.stopping = true;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
