import type { AlertEvent, AlertStatus, ChannelKind, Severity } from '@anom/contracts';

/** One alert transition to announce: what every channel's message is built from. */
export interface Notice {
  /** The notification id: the delivery id receivers deduplicate on (`webhook-id`). */
  notificationId: string;
  event: AlertEvent;
  /** When the transition happened. */
  at: Date;
  business: { id: string; name: string };
  alert: {
    id: string;
    ruleId: string;
    status: AlertStatus;
    severity: Severity;
    summary: string;
    count: number;
    groupKey: Record<string, unknown>;
    startTime: Date;
    endTime: Date;
    firstSeenAt: Date;
  };
  /** Who made the transition (`engine`, `auto`, a person) and their note. */
  actor: string;
  note: string | null;
  /** Link to the alert in the admin app, when a public URL is configured. */
  alertUrl?: string;
}

/** Where a notice goes. */
export interface ChannelTarget {
  kind: ChannelKind;
  config: { url?: string; secret?: string; to?: string[] };
}

const VERB: Record<AlertEvent, string> = {
  opened: 'opened',
  acknowledged: 'acknowledged',
  escalated: 'escalated',
  resolved: 'resolved',
};

/** Slack/Discord sidebar colour by severity (hex RGB). */
const COLOUR: Record<Severity, number> = {
  info: 0x607d8b,
  low: 0x2196f3,
  medium: 0xffc107,
  high: 0xff5722,
  critical: 0xd32f2f,
};

/** `[HIGH] Alert opened in Health vitals: Tachycardia at rest: ...` — the one-line title every channel uses. */
export function noticeTitle(n: Notice): string {
  const state = n.event === 'escalated' ? `escalated to ${n.alert.severity.toUpperCase()}` : VERB[n.event];
  return `[${n.alert.severity.toUpperCase()}] Alert ${state} in ${n.business.name}: ${n.alert.summary}`;
}

/** The lines under the title: who, the note, the group, the event-time span and count. */
export function noticeLines(n: Notice): string[] {
  const group = Object.entries(n.alert.groupKey)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  const lines = [
    `Status: ${n.alert.status}, ${n.alert.count} match${n.alert.count === 1 ? '' : 'es'}, event time ` +
      `${n.alert.startTime.toISOString()} – ${n.alert.endTime.toISOString()}`,
  ];
  if (group) lines.push(`Group: ${group}`);
  if (n.event === 'acknowledged' || n.event === 'resolved') lines.push(`By ${n.actor}${n.note ? `: ${n.note}` : ''}`);
  if (n.alertUrl) lines.push(n.alertUrl);
  return lines;
}

/**
 * The generic webhook body: a stable JSON document (`type` is
 * `alert.<event>`), signed per the Standard Webhooks specification
 * (https://www.standardwebhooks.com) by deliver().
 */
export function webhookBody(n: Notice): Record<string, unknown> {
  return {
    type: `alert.${n.event}`,
    timestamp: n.at.toISOString(),
    data: {
      business: n.business,
      alert: {
        ...n.alert,
        startTime: n.alert.startTime.toISOString(),
        endTime: n.alert.endTime.toISOString(),
        firstSeenAt: n.alert.firstSeenAt.toISOString(),
        url: n.alertUrl ?? null,
      },
      actor: n.actor,
      note: n.note,
    },
  };
}

/**
 * Slack incoming-webhook body: `text` (the notification fallback) plus a
 * coloured attachment (https://api.slack.com/messaging/webhooks,
 * https://api.slack.com/reference/messaging/attachments).
 */
export function slackBody(n: Notice): Record<string, unknown> {
  return {
    text: noticeTitle(n),
    attachments: [
      {
        color: `#${COLOUR[n.alert.severity].toString(16).padStart(6, '0')}`,
        text: noticeLines(n).join('\n'),
        ts: Math.floor(n.at.getTime() / 1000),
      },
    ],
  };
}

/**
 * Discord webhook body: `content` plus one embed
 * (https://discord.com/developers/docs/resources/webhook#execute-webhook).
 * Discord limits an embed title to 256 characters and a description to 4096.
 */
export function discordBody(n: Notice): Record<string, unknown> {
  return {
    content: noticeTitle(n).slice(0, 2000),
    embeds: [
      {
        title: `Alert ${VERB[n.event]}: ${n.alert.severity}`.slice(0, 256),
        description: noticeLines(n).join('\n').slice(0, 4096),
        color: COLOUR[n.alert.severity],
        timestamp: n.at.toISOString(),
        url: n.alertUrl,
      },
    ],
    allowed_mentions: { parse: [] },
  };
}

/** Email subject and plain-text body. */
export function emailMessage(n: Notice): { subject: string; text: string } {
  return {
    subject: noticeTitle(n).slice(0, 250),
    text: [
      noticeTitle(n),
      '',
      ...noticeLines(n),
      '',
      `Alert ${n.alert.id} · rule ${n.alert.ruleId} · business ${n.business.id}`,
    ].join('\n'),
  };
}
