import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { AlertRepository } from '@anom/db';
import { NotifyQueue } from '@anom/queue';

/** Resolves alerts whose condition has been clear for their rule's resolveAfter, and announces it. */
@Injectable()
export class AutoResolveService {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly notify: NotifyQueue,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('AutoResolveService');
  }

  /** Returns the ids of the alerts resolved; their notifications are enqueued after the commit. */
  async autoResolve(now: Date = new Date()): Promise<string[]> {
    const { resolved, notifications } = await this.alerts.autoResolve(now);
    if (resolved.length > 0) this.logger.info({ alerts: resolved.length }, 'alerts auto-resolved');
    await this.notify.enqueue(notifications);
    return resolved;
  }
}
