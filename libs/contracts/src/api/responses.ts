import type { AlertStatus, FieldType, SeriesAggregation, Severity } from '../vocabulary';
import type { Permission, Role } from '../auth';
import type { Rule } from '../rules';

// The api's answers as they travel (JSON: times are ISO strings), shared by the
// web app. The OpenAPI document types the requests; these the answers, and
// apps/api/src/common/response-contracts.ts fails the type check when what a
// service returns no longer fits them, so api and web cannot drift.

/**
 * `T` as JSON carries it: Dates become ISO strings, recursively. The web sees
 * `Jsonify<X>` of every X the api returns.
 */
export type Jsonify<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Jsonify<U>[]
    : T extends readonly (infer U)[]
      ? readonly Jsonify<U>[]
      : T extends object
        ? { [K in keyof T]: Jsonify<T[K]> }
        : T;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Field {
  name: string;
  type: FieldType;
  required?: boolean;
  unit?: string | null;
  enum?: string[];
  min?: number | null;
  max?: number | null;
  description?: string | null;
  loinc?: string | null;
  ucum?: string | null;
}

export interface Business {
  id: string;
  name: string;
  description: string;
  timezone: string;
  timestampField: string | null;
  entityKeyFields: string[];
  retentionDays: number;
  /** Days after which stored events are compressed (TimescaleDB); null: never. */
  compressAfterDays: number | null;
  /** Events are archived before retention deletes them. */
  archive: boolean;
  /** Managed by a provisioning folder: edits in the app are overwritten when the api next starts. */
  provisioned: boolean;
  schemaVersion: number;
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
  fields: Field[];
}

export interface Alert {
  id: string;
  businessId: string;
  ruleId: string;
  ruleVersion: number;
  fingerprint: string;
  groupKey: Record<string, unknown>;
  status: AlertStatus;
  severity: Severity;
  count: number;
  startTime: string;
  endTime: string;
  firstSeenAt: string;
  lastSeenAt: string;
  summary: string;
  evidence: { samples: { eventId: string; eventTime: string; values: Record<string, unknown> }[] };
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  note: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolveNote: string | null;
  /** In lists: a silence in force now mutes its notifications. */
  silenced?: boolean;
}

/**
 * GET /alerts/{id}/scores: a baseline rule's anomaly score (0-1) for the events of the alert's group around it,
 * replayed with the alert's rule version; an event matched when its score passed `threshold`.
 */
export interface AlertScores {
  alertId: string;
  field: string;
  threshold: number;
  points: { eventId: string; eventTime: string; value: number | null; score: number | null; match: boolean }[];
}

export interface AlertDetail extends Alert {
  history: {
    at: string;
    fromStatus: AlertStatus | null;
    toStatus: AlertStatus;
    severity: Severity | null;
    actor: string;
    note: string | null;
  }[];
  eventIds: string[];
  /** With `?include=events`: the events of `eventIds` still stored, newest first. */
  events?: StoredEvent[];
  notifications: {
    id: string;
    event: string;
    status: string;
    channel: { id: string; name: string; kind: string };
    attempts: { at: string; ok: boolean; statusCode: number | null; error: string | null; durationMs: number }[];
    deliveredAt: string | null;
    lastError: string | null;
    /** The silence that muted it (status `silenced`). */
    silenceId: string | null;
  }[];
  /** Silences in force now that match the alert: its notifications are muted. */
  silences: Silence[];
}

/** Mutes the notifications of the alerts it matches from startsAt until endsAt. */
export interface Silence {
  id: string;
  businessId: string;
  /** Only this rule's alerts; null for every rule of the business. */
  ruleId: string | null;
  /** Fields the alert's group key must have with these values; {} for every group. */
  groupKey: Record<string, string | number | boolean>;
  startsAt: string;
  endsAt: string;
  comment: string;
  createdBy: string;
  createdAt: string;
  state: 'pending' | 'active' | 'expired';
}

export interface StoredEvent {
  id: string;
  eventTime: string;
  receivedAt: string;
  entityKey: string | null;
  payload: Record<string, unknown>;
}

export interface Source {
  id: string;
  name: string;
  tokenPrefix: string;
  createdAt: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
  token?: string;
}

export interface ViewPanel {
  title: string;
  field: string | null;
  agg: SeriesAggregation;
  groupBy: string | null;
  bucket: string | null;
  chart: 'line' | 'bar';
  filter: { field: string; values: string[] } | null;
}

export interface View {
  id: string;
  businessId: string;
  name: string;
  description: string;
  panels: ViewPanel[];
  position: number;
}

export interface Series {
  from: string;
  to: string;
  bucketMs: number;
  series: { group: string | null; points: { t: string; v: number | null }[] }[];
  alerts: {
    id: string;
    ruleName: string;
    severity: Severity;
    status: AlertStatus;
    startTime: string;
    summary: string;
  }[];
}

export interface OverviewItem {
  businessId: string;
  name: string;
  description: string;
  eventsLastHour: number;
  /** Events received per minute over the last 5 minutes (a backfill stops counting 5 minutes after it). */
  ratePerMinute: number;
  /** When events last arrived (receipt clock, as eventsLastHour, ratePerMinute and spark). */
  lastReceivedAt: string | null;
  /** The newest event time stored (event clock). */
  lastEventAt: string | null;
  openAlerts: Partial<Record<Severity, number>>;
  /** Suggestions waiting for a person's decision. */
  pendingSuggestions: number;
  spark: { t: string; n: number }[];
}

export interface Suggestion {
  id: string;
  businessId: string;
  kind: string;
  rule: Record<string, unknown>;
  rationale: string;
  evidence: Record<string, unknown>;
  backtest: {
    from: string | null;
    to: string | null;
    events: number;
    alerts: number;
    alertsPerDay: number;
    perDay: { day: string; alerts: number }[];
    resolved: number;
  };
  status: 'pending' | 'accepted' | 'rejected';
  createdAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  reason: string | null;
  ruleId: string | null;
}

export interface BacktestSummary {
  events: number;
  matches: number;
  alertsTotal: number;
  perDay: { day: string; alerts: number }[];
  resolved: number;
  open: number;
  ms: number;
}

/** `POST /suggestions/:id/accept`: the decided suggestion and the rule it created. */
export interface AcceptedSuggestion {
  suggestion: Suggestion;
  rule: Rule;
}

/** Who is calling and what they may do (`GET /auth/session`, the sign-in answer). */
export interface SessionView {
  kind: 'user' | 'key' | 'source' | 'bootstrap';
  /** How audit rows and alert history name the caller: `user:<email>`, `key:<name>`, … */
  actor: string;
  user: { id: string; email: string; displayName: string; role: Role } | null;
  permissions: Permission[];
  /** Echo in X-CSRF-Token on requests that change something (sessions only). */
  csrfToken: string | null;
}

/** A person (`GET /users`). */
export interface User {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  /** Whether they have signed in through OIDC. */
  oidc: boolean;
  lockedUntil: string | null;
  lastSignInAt: string | null;
  disabledAt: string | null;
  createdAt: string;
}

/** An API key (`GET /api-keys`); `token` only in the answer that created it. */
export interface ApiKey {
  id: string;
  name: string;
  tokenPrefix: string;
  scopes: string[];
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdBy: string;
  createdAt: string;
  /** Set on a business's source (an ingest key managed on the business's sources tab). */
  businessId: string | null;
  token?: string;
}

/** One audit row (`GET /audit`). */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}
