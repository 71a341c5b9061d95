import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { AlertRepository } from '@anom/db';
import { NotifyQueue } from '@anom/queue';
import { WorkerMetrics } from '../metrics/worker-metrics';

/** Resolves alerts whose condition has been clear for their rule's resolveAfter, and announces it. */
@Injectable()
export class AutoResolveService {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly notify: NotifyQueue,
    private readonly logger: PinoLogger,
    private readonly metrics: WorkerMetrics,
  ) {
    logger.setContext('AutoResolveService');
  }

  /** Returns the ids of the alerts resolved; their notifications are enqueued after the commit. */
  async autoResolve(now: Date = new Date()): Promise<string[]> {
    const { resolved, notifications } = await this.alerts.autoResolve(now);
    if (resolved.length > 0) {
      this.logger.info({ alerts: resolved.length }, 'alerts auto-resolved');
      this.metrics.alertsResolved.inc({ how: 'auto' }, resolved.length);
    }
    await this.notify.enqueue(notifications);
    return resolved;
  }
}
