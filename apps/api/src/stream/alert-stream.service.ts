import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Subject, type Observable } from 'rxjs';
import { AlertChangeListener, AlertRepository, type AlertChange, type AlertRecord } from '@anom/db';
import type { ApiConfig } from '../config/api.config';
import { API_CONFIG } from '../infra/tokens';

/** What the live alert stream carries: an alert as it is now, or "reload" when too much changed at once. */
export type AlertStreamMessage = { type: 'alert'; alert: AlertRecord } | { type: 'reload' };

/**
 * The live feed of alert changes, from Postgres LISTEN/NOTIFY: a trigger on
 * `alert_transition` notifies with the ids touched by each committed
 * statement, whoever wrote it (worker evaluation, auto-resolve, a person), so
 * every api replica hears every change without a broker of its own. Each
 * notification is turned into the alerts' current rows. A lost connection is
 * re-opened every 2 s; changes made while it was down are not replayed (the
 * web app reloads its lists on reconnect).
 */
@Injectable()
export class AlertStreamService implements OnModuleInit, OnApplicationShutdown {
  private readonly subject = new Subject<AlertStreamMessage>();
  private readonly listener: AlertChangeListener;

  constructor(
    private readonly alerts: AlertRepository,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(AlertStreamService.name);
    this.listener = new AlertChangeListener(
      this.config.databaseUrl,
      (change) => void this.onChange(change),
      (err, what) => this.logger.warn({ err }, what),
    );
  }

  get messages(): Observable<AlertStreamMessage> {
    return this.subject.asObservable();
  }

  async onModuleInit(): Promise<void> {
    await this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.subject.complete();
    await this.listener.close();
  }

  private async onChange(body: AlertChange): Promise<void> {
    // Nobody is streaming from this replica: no alert rows to load.
    if (!this.subject.observed) return;
    try {
      if (body.more || !body.ids) {
        this.subject.next({ type: 'reload' });
        return;
      }
      const rows = await this.alerts.list({ ids: body.ids, limit: body.ids.length });
      for (const alert of rows) this.subject.next({ type: 'alert', alert });
    } catch (err) {
      this.logger.warn({ err }, 'alert stream notification dropped');
      this.subject.next({ type: 'reload' });
    }
  }
}
