import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Queue } from 'bullmq';
import { EventRepository } from '@anom/db';
import { openPlatformQueues, registerPipelineGauges } from '@anom/queue';
import type { WorkerConfig } from '../config/worker.config';
import { PRODUCER_REDIS, WORKER_CONFIG } from '../infra/tokens';

/** Buckets (seconds) of the evaluation lag: from a few ms under no load to minutes in a backlog. */
const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * The worker's own metrics (prom-client, Prometheus naming: base units,
 * `_total` counters, `_seconds` durations). Served on the worker's HTTP port
 * at /metrics (see WorkerHttpServer):
 * - `anom_evaluation_lag_seconds{business}`: receipt of a batch → its
 *   evaluation committed;
 * - `anom_rule_evaluation_seconds{kind}`: engine time per rule kind per batch run;
 * - `anom_alerts_opened_total{business}`, `anom_alerts_resolved_total{how="auto"}`
 *   (resolveAfter passed; the api counts how="person");
 * - `anom_notification_deliveries_total{channel_kind,outcome}`;
 * - `anom_absence_tick_delay_seconds`: a tick's scheduled time → its evaluation;
 * - the pipeline gauges (queues, pending batches, Redis memory) and Node's
 *   process metrics (`anom_process_*`, `anom_nodejs_*`).
 */
@Injectable()
export class WorkerMetrics implements OnModuleDestroy {
  readonly registry = new Registry();
  private readonly queues: Queue[];

  readonly evaluationLag = new Histogram({
    name: 'anom_evaluation_lag_seconds',
    help: 'Time from an ingest batch being accepted to its evaluation being committed',
    labelNames: ['business'] as const,
    buckets: LAG_BUCKETS,
    registers: [this.registry],
  });
  readonly ruleEvaluation = new Histogram({
    name: 'anom_rule_evaluation_seconds',
    help: 'Rule engine time per rule kind for one run of batches',
    labelNames: ['kind'] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
    registers: [this.registry],
  });
  readonly alertsOpened = new Counter({
    name: 'anom_alerts_opened_total',
    help: 'Alerts opened by rule evaluation and absence ticks',
    labelNames: ['business'] as const,
    registers: [this.registry],
  });
  readonly alertsResolved = new Counter({
    name: 'anom_alerts_resolved_total',
    help: 'Alerts resolved: auto (by the worker, resolveAfter passed) or person (through the api)',
    labelNames: ['how'] as const,
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: 'anom_notification_deliveries_total',
    help: 'Notification delivery attempts by channel kind and outcome (delivered, retry, failed)',
    labelNames: ['channel_kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly tickDelay = new Histogram({
    name: 'anom_absence_tick_delay_seconds',
    help: 'Delay from an absence tick being due to its evaluation',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  constructor(
    events: EventRepository,
    @Inject(PRODUCER_REDIS) redis: Redis,
    @Inject(WORKER_CONFIG) config: WorkerConfig,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'anom_' });
    this.queues = openPlatformQueues(redis, config.queuePrefix, config.evaluatePartitions);
    registerPipelineGauges(this.registry, { queues: this.queues, redis, pending: () => events.pendingStats() });
  }

  /** Records a committed run of batches: each batch's lag (now − receipt) and the engine time per kind. */
  evaluated(
    businessId: string,
    batches: readonly { createdAt: Date }[],
    kindMs: ReadonlyMap<string, number>,
    at: Date,
  ) {
    for (const b of batches)
      this.evaluationLag.observe({ business: businessId }, (at.getTime() - b.createdAt.getTime()) / 1000);
    for (const [kind, ms] of kindMs) this.ruleEvaluation.observe({ kind }, ms / 1000);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close().catch(() => undefined)));
  }
}
