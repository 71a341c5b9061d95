import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Client } from 'pg';
import { Subject, type Observable } from 'rxjs';
import { AlertRepository, type AlertRecord } from '@anom/db';
import type { ApiConfig } from '../config/api.config';
import { API_CONFIG } from '../infra/tokens';

/** What the live alert stream carries: an alert as it is now, or "reload" when too much changed at once. */
export type AlertStreamMessage = { type: 'alert'; alert: AlertRecord } | { type: 'reload' };

/** The Postgres channel the alert_transition trigger notifies (migration 1764200000000). */
export const ALERT_CHANNEL = 'anom_alert';
const RECONNECT_MS = 2_000;

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
  private client: Client | null = null;
  private current: Client | null = null;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly alerts: AlertRepository,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(AlertStreamService.name);
  }

  get messages(): Observable<AlertStreamMessage> {
    return this.subject.asObservable();
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.subject.complete();
    await this.current?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new Client({ connectionString: this.config.databaseUrl, application_name: 'anom-alert-stream' });
    // Only the newest connection may schedule a reconnect: a late 'end' of an old one must not open a second listener.
    this.current = client;
    client.on('notification', (msg) => void this.onNotification(msg.payload));
    client.on('error', (err) => {
      this.logger.warn({ err }, 'alert stream connection lost');
      this.retry(client);
    });
    client.on('end', () => this.retry(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${ALERT_CHANNEL}`);
      this.client = client;
    } catch (err) {
      this.logger.warn({ err }, 'alert stream could not listen; retrying');
      this.retry(client);
    }
  }

  private retry(client: Client): void {
    client.end().catch(() => undefined);
    if (this.closed || this.timer || client !== this.current) return;
    this.client = null;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, RECONNECT_MS);
  }

  private async onNotification(payload: string | undefined): Promise<void> {
    // Nobody is streaming from this replica: no alert rows to load.
    if (!this.subject.observed) return;
    try {
      const body = JSON.parse(payload ?? '{}') as { ids?: string[]; more?: boolean };
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
