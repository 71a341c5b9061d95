/** Alert and rule severities, lowest first. The index is the rank used for escalation. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Field types a business schema may declare. */
export const FIELD_TYPES = ['number', 'integer', 'string', 'boolean', 'timestamp', 'enum', 'object'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Field types usable as group keys and entity keys (scalar). */
export const KEY_FIELD_TYPES: readonly FieldType[] = ['string', 'integer', 'enum', 'boolean', 'number'];

/** Rule kinds of the rule model (DESIGN.md "Rules are data"). */
export const RULE_KINDS = ['immediate', 'sequence', 'absence', 'aggregate', 'baseline'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** Rule kinds the engine evaluates today; the others are refused with a clear error. */
export const SUPPORTED_RULE_KINDS: readonly RuleKind[] = ['immediate', 'sequence', 'absence', 'aggregate', 'baseline'];

/** Alert lifecycle: open -> acknowledged -> resolved (resolve is allowed from open too). */
export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** Where a rule came from. */
export const RULE_ORIGINS = ['user', 'seed', 'suggestion'] as const;
export type RuleOrigin = (typeof RULE_ORIGINS)[number];

/** One problem in a request, as in RFC 9457 `errors[]`: a JSON pointer into the request body and the reason. */
export interface InputErrorDetail {
  pointer: string;
  detail: string;
}

/** What happened to an alert, as recorded in its history and announced by notifications. */
export const ALERT_EVENTS = ['opened', 'acknowledged', 'escalated', 'resolved'] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

/** Aggregations a chart panel can draw per time bucket. `count` needs no field. */
export const SERIES_AGGREGATIONS = ['count', 'avg', 'min', 'max', 'sum', 'p50', 'p90', 'p95', 'p99'] as const;
export type SeriesAggregation = (typeof SERIES_AGGREGATIONS)[number];

/** Where a profiler suggestion stands. */
export const SUGGESTION_STATUSES = ['pending', 'accepted', 'rejected'] as const;
export type SuggestionStatus = (typeof SUGGESTION_STATUSES)[number];

/** Notification channel kinds: a signed generic webhook, Slack and Discord incoming webhooks, email over SMTP. */
export const CHANNEL_KINDS = ['webhook', 'slack', 'discord', 'email'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** Delivery state of one notification. */
export const NOTIFICATION_STATUSES = ['pending', 'delivered', 'failed', 'silenced'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];
