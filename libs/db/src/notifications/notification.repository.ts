import type { AlertEvent, ChannelKind, NotificationStatus, Severity } from '@anom/contracts';
import type { Database, Tx } from '../database';
import { toAlertRecord, type AlertRecord } from '../alerts/alert.repository';
import type { SecretBox } from './secret-box';

/** The config keys that are credentials, sealed at rest (a Slack or Discord URL is itself a secret). */
const SEALED_KEYS = ['url', 'secret'] as const;

/** Kind-specific settings of a channel. */
export interface ChannelConfig {
  /** webhook, slack, discord: where to POST. */
  url?: string;
  /** webhook: Standard Webhooks signing secret (`whsec_` + base64). */
  secret?: string;
  /** email: recipients. */
  to?: string[];
}

export interface ChannelRecord {
  id: string;
  businessId: string;
  name: string;
  kind: ChannelKind;
  config: ChannelConfig;
  /** Alert events the channel announces. */
  events: AlertEvent[];
  /** Alerts below this severity are not announced. */
  minSeverity: Severity;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface NotificationAttemptRecord {
  at: Date;
  ok: boolean;
  /** HTTP status of the receiver, or the SMTP reply code; null when there was no answer. */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** A notification with its attempts, as shown on an alert. */
export interface NotificationRecord {
  id: string;
  alertId: string;
  channel: { id: string; name: string; kind: ChannelKind };
  event: AlertEvent;
  status: NotificationStatus;
  attempts: NotificationAttemptRecord[];
  createdAt: Date;
  deliveredAt: Date | null;
  lastError: string | null;
  /** The silence that muted it (status `silenced`), while that silence exists. */
  silenceId: string | null;
}

/** Everything one delivery needs. */
export interface Delivery {
  notificationId: string;
  event: AlertEvent;
  status: NotificationStatus;
  createdAt: Date;
  channel: ChannelRecord;
  alert: AlertRecord;
  business: { id: string; name: string };
  /** The transition being announced (actor and note of an acknowledge or resolve). */
  transition: { at: Date; actor: string; note: string | null };
}

/**
 * Notification channels, the notification outbox and its delivery attempts.
 * Notifications themselves are written by AlertRepository with the
 * transitions they announce.
 */
export class NotificationRepository {
  /**
   * `box` seals the credentials of channel configs (`url`, `secret`) when
   * written and opens them when read; without one they are stored as given.
   */
  constructor(
    private readonly db: Database,
    private readonly box?: SecretBox,
  ) {}

  async createChannel(input: Omit<ChannelRecord, 'createdAt' | 'updatedAt'>, tx?: Tx): Promise<ChannelRecord> {
    const row = await (tx?.prisma ?? this.db.prisma).notificationChannel.create({
      data: { ...input, config: this.seal(input.config) },
    });
    return this.toChannel(row);
  }

  /**
   * Re-seals every channel credential not sealed with the current key (stored
   * in plain text before encryption, or under a key being rotated out).
   * Returns how many channels changed. Safe to run at every start.
   */
  async resealChannels(): Promise<number> {
    const box = this.box;
    if (!box) return 0;
    const rows = await this.db.prisma.notificationChannel.findMany({ select: { id: true, config: true } });
    let changed = 0;
    for (const r of rows) {
      const config = r.config as Record<string, unknown>;
      if (SEALED_KEYS.every((k) => typeof config[k] !== 'string' || box.isCurrent(config[k] as string))) continue;
      const plain = this.open(config as ChannelConfig);
      await this.db.prisma.notificationChannel.update({ where: { id: r.id }, data: { config: this.seal(plain) } });
      changed++;
    }
    return changed;
  }

  private seal(config: ChannelConfig): object {
    if (!this.box) return config as object;
    const out: Record<string, unknown> = { ...config };
    for (const k of SEALED_KEYS) if (typeof out[k] === 'string') out[k] = this.box.seal(out[k] as string);
    return out;
  }

  private open(config: ChannelConfig): ChannelConfig {
    if (!this.box) return config;
    const out: Record<string, unknown> = { ...config };
    for (const k of SEALED_KEYS) if (typeof out[k] === 'string') out[k] = this.box.open(out[k] as string);
    return out as ChannelConfig;
  }

  private toChannel(r: ChannelRow): ChannelRecord {
    return { ...toChannel(r), config: this.open(r.config as ChannelConfig) };
  }

  async listChannels(businessId: string): Promise<ChannelRecord[]> {
    const rows = await this.db.prisma.notificationChannel.findMany({
      where: { businessId },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map((r) => this.toChannel(r));
  }

  async findChannel(id: string): Promise<ChannelRecord | null> {
    const row = await this.db.prisma.notificationChannel.findUnique({ where: { id } });
    return row ? this.toChannel(row) : null;
  }

  async findChannelByName(businessId: string, name: string): Promise<ChannelRecord | null> {
    const row = await this.db.prisma.notificationChannel.findUnique({
      where: { businessId_name: { businessId, name } },
    });
    return row ? this.toChannel(row) : null;
  }

  async updateChannel(
    id: string,
    patch: Partial<Pick<ChannelRecord, 'name' | 'config' | 'events' | 'minSeverity' | 'enabled'>>,
    at: Date,
    tx?: Tx,
  ): Promise<ChannelRecord> {
    const row = await (tx?.prisma ?? this.db.prisma).notificationChannel.update({
      where: { id },
      data: { ...patch, config: patch.config ? this.seal(patch.config) : undefined, updatedAt: at },
    });
    return this.toChannel(row);
  }

  /** Deletes a channel with its notifications and their attempts. */
  async deleteChannel(id: string, tx?: Tx): Promise<void> {
    await (tx?.prisma ?? this.db.prisma).notificationChannel.delete({ where: { id } });
  }

  /** Notifications of an alert with their attempts, oldest first. */
  async listForAlert(alertId: string): Promise<NotificationRecord[]> {
    const rows = await this.db.prisma.notification.findMany({
      where: { alertId },
      orderBy: [{ createdAt: 'asc' }, { transitionId: 'asc' }],
      include: { channel: { select: { id: true, name: true, kind: true } }, tries: { orderBy: { id: 'asc' } } },
    });
    return rows.map((r) => ({
      id: r.id,
      alertId: r.alertId,
      channel: { id: r.channel.id, name: r.channel.name, kind: r.channel.kind as ChannelKind },
      event: r.event as AlertEvent,
      status: r.status as NotificationStatus,
      attempts: r.tries.map((a) => ({
        at: a.at,
        ok: a.ok,
        statusCode: a.statusCode,
        error: a.error,
        durationMs: a.durationMs,
      })),
      createdAt: r.createdAt,
      deliveredAt: r.deliveredAt,
      lastError: r.lastError,
      silenceId: r.silenceId,
    }));
  }

  /** Notifications still pending that were queued before `olderThan`: the sweeper's work list. */
  async pendingIds(olderThan: Date, limit: number): Promise<string[]> {
    const r = await this.db.pool.query<{ id: string }>(
      "SELECT id FROM notification WHERE status = 'pending' AND created_at < $1 ORDER BY created_at LIMIT $2",
      [olderThan, limit],
    );
    return r.rows.map((x) => x.id);
  }

  /** What delivering one notification needs, or null when it no longer exists. */
  async loadDelivery(notificationId: string): Promise<Delivery | null> {
    const n = await this.db.prisma.notification.findUnique({
      where: { id: notificationId },
      include: { channel: true, alert: { include: { business: { select: { id: true, name: true } } } } },
    });
    if (!n) return null;
    const t = await this.db.pool.query<{ at: Date; actor: string; note: string | null }>(
      'SELECT at, actor, note FROM alert_transition WHERE id = $1',
      [n.transitionId],
    );
    const { business, ...alert } = n.alert;
    return {
      notificationId: n.id,
      event: n.event as AlertEvent,
      status: n.status as NotificationStatus,
      createdAt: n.createdAt,
      channel: this.toChannel(n.channel),
      alert: toAlertRecord(alert),
      business,
      transition: t.rows[0] ?? { at: n.createdAt, actor: 'engine', note: null },
    };
  }

  /**
   * Records one attempt and moves the notification on: `delivered` after a
   * successful attempt, `failed` when `final` (no retry left or not worth
   * retrying), else still `pending`.
   */
  async recordAttempt(notificationId: string, attempt: NotificationAttemptRecord, final: boolean): Promise<void> {
    await this.db.transaction(async ({ sql: client }) => {
      await client.query(
        'INSERT INTO notification_attempt (notification_id, at, ok, status_code, error, duration_ms) VALUES ($1, ' +
          '$2, $3, $4, $5, $6)',
        [notificationId, attempt.at, attempt.ok, attempt.statusCode, attempt.error, attempt.durationMs],
      );
      const status: NotificationStatus = attempt.ok ? 'delivered' : final ? 'failed' : 'pending';
      await client.query(
        'UPDATE notification SET attempts = attempts + 1, status = $2, delivered_at = CASE WHEN $3 THEN ' +
          "$4::timestamptz ELSE delivered_at END, last_error = $5 WHERE id = $1 AND status = 'pending'",
        [notificationId, status, attempt.ok, attempt.at, attempt.error],
      );
    });
  }
}

type ChannelRow = {
  id: string;
  businessId: string;
  name: string;
  kind: string;
  config: unknown;
  events: string[];
  minSeverity: string;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
};

function toChannel(r: ChannelRow): ChannelRecord {
  return {
    id: r.id,
    businessId: r.businessId,
    name: r.name,
    kind: r.kind as ChannelKind,
    config: r.config as ChannelConfig,
    events: r.events as AlertEvent[],
    minSeverity: r.minSeverity as Severity,
    enabled: r.enabled,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
