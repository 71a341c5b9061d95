import { Client } from 'pg';

/** The Postgres channel the alert_transition trigger notifies (migration 1764200000000). */
export const ALERT_CHANNEL = 'anom_alert';
const RECONNECT_MS = 2_000;

/** What one notification on ALERT_CHANNEL says: the alert ids one statement touched, or `more` when too many. */
export interface AlertChange {
  ids?: string[];
  more?: boolean;
}

/**
 * Listens for committed alert changes with Postgres LISTEN/NOTIFY on its own
 * connection: a trigger on `alert_transition` notifies with the ids touched
 * by each committed statement, whoever wrote it, so every api replica hears
 * every change without a broker of its own. A lost connection is re-opened
 * every 2 s; changes made while it was down are not replayed (callers reload).
 * `onChange` gets each notification's parsed payload (a malformed one as
 * `{ more: true }`); `onProblem` a connection error and what it means.
 */
export class AlertChangeListener {
  private current: Client | null = null;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly onChange: (change: AlertChange) => void,
    private readonly onProblem: (err: unknown, what: string) => void,
  ) {}

  async start(): Promise<void> {
    if (this.closed) return;
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'anom-alert-stream' });
    // Only the newest connection may schedule a reconnect: a late 'end' of an old one must not open a second listener.
    this.current = client;
    client.on('notification', (msg) => this.onChange(parse(msg.payload)));
    client.on('error', (err) => {
      this.onProblem(err, 'alert stream connection lost');
      this.retry(client);
    });
    client.on('end', () => this.retry(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${ALERT_CHANNEL}`);
    } catch (err) {
      this.onProblem(err, 'alert stream could not listen; retrying');
      this.retry(client);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current?.end().catch(() => undefined);
  }

  private retry(client: Client): void {
    client.end().catch(() => undefined);
    if (this.closed || this.timer || client !== this.current) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.start();
    }, RECONNECT_MS);
  }
}

function parse(payload: string | undefined): AlertChange {
  try {
    const body = JSON.parse(payload ?? '{}') as AlertChange;
    return body && typeof body === 'object' ? body : { more: true };
  } catch {
    return { more: true };
  }
}
