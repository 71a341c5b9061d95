import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Database, EventRepository } from '@anom/db';
import { GroupLimitCounter, openPlatformQueues, registerPipelineGauges } from '@anom/queue';
import type { Redis } from 'ioredis';
import { API_CONFIG } from '../infra/tokens';
import { REDIS } from '../infra/infra.module';
import type { ApiConfig } from '../config/api.config';

/**
 * The api's own metrics in Prometheus's text format (prom-client, Prometheus
 * naming: base units, `_total` counters):
 * - `anom_ingest_events_total{business,outcome}`: events per ingest outcome
 *   (accepted = newly stored, duplicate = a resent `_id`, rejected = refused
 *   with 4xx, nothing stored);
 * - `anom_http_request_duration_seconds{method,route,status_code}`: per route
 *   template (`/businesses/:businessId`), never the raw URL;
 * - `anom_alerts{business,status,severity}`: open and acknowledged alerts, read at scrape;
 * - `anom_alerts_resolved_total{how="person"}`;
 * - `anom_rule_untracked_groups_total{business_id,rule_id}`: new groups a
 *   rule turned away past its maxGroups (counts the workers keep in Redis);
 * - the pipeline gauges (queues, pending batches, Redis memory; see
 *   registerPipelineGauges) and Node's process metrics (`anom_process_*`).
 */
@Injectable()
export class MetricsService implements OnModuleDestroy {
  private readonly registry = new Registry();
  /** A handle per platform queue (counted at each scrape; the queue dashboard reads them too). */
  readonly queues: Queue[];

  readonly ingested = new Counter({
    name: 'anom_ingest_events_total',
    help: 'Events received by ingest, by business and outcome (accepted, duplicate, rejected)',
    labelNames: ['business', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly resolved = new Counter({
    name: 'anom_alerts_resolved_total',
    help: 'Alerts resolved: person (through the api; the worker counts auto)',
    labelNames: ['how'] as const,
    registers: [this.registry],
  });
  private readonly requests = new Histogram({
    name: 'anom_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(API_CONFIG) config: ApiConfig,
    db: Database,
    events: EventRepository,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'anom_' });
    const limits = new GroupLimitCounter(redis, config.queuePrefix);
    new Counter({
      name: 'anom_rule_untracked_groups_total',
      help: 'New groups a stateful rule did not evaluate because it tracked maxGroups groups already',
      labelNames: ['business_id', 'rule_id'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const c of await limits.read()) this.inc({ business_id: c.businessId, rule_id: c.ruleId }, c.groups);
      },
    });
    new Gauge({
      name: 'anom_alerts',
      help: 'Alerts not resolved, by business, status (open, acknowledged) and severity',
      labelNames: ['business', 'status', 'severity'] as const,
      registers: [this.registry],
      async collect() {
        const r = await db.pool.query<{ b: string; s: string; v: string; n: number }>(
          `SELECT business_id AS b, status AS s, severity AS v, count(*)::int AS n FROM alert
            WHERE status <> 'resolved' GROUP BY 1, 2, 3`,
        );
        this.reset();
        for (const row of r.rows) this.set({ business: row.b, status: row.s, severity: row.v }, row.n);
      },
    });
    this.queues = openPlatformQueues(redis, config.queuePrefix, config.evaluatePartitions);
    registerPipelineGauges(this.registry, { queues: this.queues, redis, pending: () => events.pendingStats() });
  }

  /** Times every request (onResponse hook): route template, never the raw URL, so labels stay bounded. */
  instrument(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (req, reply, done) => {
      const route = req.routeOptions.url ?? 'unmatched';
      this.requests.observe(
        { method: req.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
      done();
    });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close().catch(() => undefined)));
  }
}
