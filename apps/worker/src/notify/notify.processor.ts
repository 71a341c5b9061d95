import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { NOTIFY_QUEUE, type NotifyJobData } from '@anom/contracts';
import { NotificationRepository, type Delivery } from '@anom/db';
import { OutboundPolicy, deliver, type Notice } from '@anom/notify';
import { QueueConsumer, type ConsumedQueue } from '@anom/queue';
import type { WorkerConfig } from '../config/worker.config';
import { WORKER_CONFIG } from '../infra/tokens';
import { WorkerMetrics } from '../metrics/worker-metrics';

/** Parallel deliveries per worker process: channels are slow I/O, not CPU. */
const CONCURRENCY = 8;

export type NotifyOutcome =
  | { status: 'skipped'; reason: 'missing' | 'not-pending' }
  | { status: 'delivered' | 'failed'; statusCode: number | null; error: string | null };

/**
 * Delivers notifications: one job per notification on the notify queue.
 * Every attempt is recorded (notification_attempt) before the job settles;
 * a failed attempt is retried with BullMQ's exponential back-off when it may
 * succeed later (network error, timeout, 408, 429, 5xx) and marked failed
 * at once otherwise (UnrecoverableError) or when attempts run out.
 * Delivery is at least once: a process killed after the receiver answered
 * but before the attempt was recorded delivers again; receivers deduplicate
 * on `webhook-id` (the notification id).
 */
@Injectable()
export class NotifyProcessor extends QueueConsumer {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly logger: PinoLogger,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly metrics: WorkerMetrics,
  ) {
    super({ redisUrl: config.redisUrl, prefix: config.queuePrefix, logger, name: 'anom-worker' });
    logger.setContext('NotifyProcessor');
    this.policy = new OutboundPolicy(config.outboundAllow, [config.databaseUrl, config.redisUrl]);
  }

  /** Where deliveries may connect (see OutboundPolicy): checked again at send, after DNS resolution. */
  private readonly policy: OutboundPolicy;

  protected consumes(): ConsumedQueue<NotifyJobData>[] {
    return [{ queue: NOTIFY_QUEUE, handler: (job) => this.process(job), concurrency: CONCURRENCY }];
  }

  /** One delivery attempt of the job's notification. Throws to make BullMQ retry. */
  async process(job: Job<NotifyJobData>): Promise<NotifyOutcome> {
    const d = await this.notifications.loadDelivery(job.data.notificationId);
    if (!d) return { status: 'skipped', reason: 'missing' };
    if (d.status !== 'pending') return { status: 'skipped', reason: 'not-pending' };
    const result = d.channel.enabled
      ? await deliver(this.notice(d), d.channel, {
          timeoutMs: this.config.notifyTimeoutMs,
          smtp: this.config.smtpUrl ? { url: this.config.smtpUrl, from: this.config.smtpFrom } : undefined,
          policy: this.policy,
        })
      : { ok: false, statusCode: null, error: 'channel disabled', retryable: false, durationMs: 0 };
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const final = !result.ok && (!result.retryable || lastAttempt);
    await this.notifications.recordAttempt(
      d.notificationId,
      {
        at: new Date(),
        ok: result.ok,
        statusCode: result.statusCode,
        error: result.error,
        durationMs: result.durationMs,
      },
      final,
    );
    this.metrics.deliveries.inc({
      channel_kind: d.channel.kind,
      outcome: result.ok ? 'delivered' : final ? 'failed' : 'retry',
    });
    if (result.ok) return { status: 'delivered', statusCode: result.statusCode, error: null };
    const log = {
      notificationId: d.notificationId,
      channelId: d.channel.id,
      kind: d.channel.kind,
      attempt: job.attemptsMade + 1,
      error: result.error,
    };
    if (final) {
      this.logger.warn(log, 'notification failed for good');
      if (!result.retryable) throw new UnrecoverableError(result.error ?? 'delivery failed');
      throw new Error(result.error ?? 'delivery failed');
    }
    this.logger.info(log, 'notification attempt failed; will retry');
    throw new Error(result.error ?? 'delivery failed');
  }

  private notice(d: Delivery): Notice {
    return {
      notificationId: d.notificationId,
      event: d.event,
      at: d.transition.at,
      business: d.business,
      alert: d.alert,
      actor: d.transition.actor,
      note: d.transition.note,
      alertUrl: this.config.publicUrl ? `${this.config.publicUrl}/alerts/${d.alert.id}` : undefined,
    };
  }
}
