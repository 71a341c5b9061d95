import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { InputErrorDetail } from '@anom/contracts';
import { CLIENT_EVENT_ID_KEY, type BusinessSchema, type FieldDefinition } from './business-schema';

/** An event that passed validation, ready to be stored. */
export interface ValidatedEvent {
  /** The event as sent, minus the `_id` envelope key. */
  payload: Record<string, unknown>;
  /** From the business's timestamp field, else the receive time. */
  eventTime: Date;
  /** Entity-key field values joined by `|`, or `null` when the business has none. */
  entityKey: string | null;
  /** Client event id from `_id`, for idempotent resends. */
  clientEventId: string | null;
}

export interface EventValidationResult {
  events: ValidatedEvent[];
  /** Pointers are `/<index>/<field>` into the submitted batch. */
  errors: InputErrorDetail[];
}

/** Validates a batch of raw events against one schema version. */
export interface EventValidator {
  readonly schemaVersion: number;
  /**
   * Validates every event; `now` is the receive time used when an event has no
   * timestamp. An event time before EARLIEST_EVENT_TIME (or `earliest.ms`,
   * explained by `earliest.why`) or more than `maxFutureSkewMs` (default
   * DEFAULT_MAX_FUTURE_SKEW_MS) after `now` is an error. Never throws: every
   * problem is reported, with its index.
   */
  validate(
    raw: readonly unknown[],
    now: Date,
    options?: { maxFutureSkewMs?: number; earliest?: { ms: number; why: string } },
  ): EventValidationResult;
}

/**
 * How far ahead of its receipt an event time may be (ms): 10 minutes, as
 * Grafana Mimir's and Loki's `creation_grace_period` accept samples from the
 * future. A device clock a little fast is normal; an event dated days or
 * years ahead would move its group's watermark so that every real event after
 * it looks late (and an absence group's last-seen time into the future), so
 * it is refused (and within the bound the engine keeps watermarks at the
 * receipt time: EvaluationEvent.receivedAt).
 */
export const DEFAULT_MAX_FUTURE_SKEW_MS = 10 * 60_000;

/**
 * The earliest event time accepted (epoch ms): 1970-01-01T00:00:00Z. Nothing
 * before the Unix epoch is a real reading of these systems, and the floor
 * keeps every event time inside what Postgres `timestamptz` and JavaScript
 * dates both hold. Callers may set a later floor per request (`earliest`):
 * the api refuses events older than the business's retention from source
 * credentials, while editors, write keys and the bootstrap token may replay history.
 */
export const EARLIEST_EVENT_TIME = 0;

// One Ajv instance per process; compiled validators are cached by the caller per schema version.
const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, verbose: true });
addFormats(ajv, ['date-time']);

/** JSON Schema (draft-07, as Ajv takes it) for one event of `fields`. */
export function eventJsonSchema(fields: readonly FieldDefinition[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    [CLIENT_EVENT_ID_KEY]: { type: 'string', minLength: 1, maxLength: 200 },
  };
  for (const f of fields) {
    properties[f.name] = fieldJsonSchema(f);
  }
  return {
    type: 'object',
    properties,
    required: fields.filter((f) => f.required).map((f) => f.name),
    additionalProperties: true,
  };
}

function fieldJsonSchema(f: FieldDefinition): Record<string, unknown> {
  switch (f.type) {
    case 'number':
    case 'integer': {
      const s: Record<string, unknown> = { type: f.type };
      if (f.min != null) s.minimum = f.min;
      if (f.max != null) s.maximum = f.max;
      return s;
    }
    case 'string':
      return { type: 'string' };
    case 'boolean':
      return { type: 'boolean' };
    case 'enum':
      return { type: 'string', enum: f.enum ?? [] };
    case 'object':
      return { type: 'object' };
    case 'timestamp':
      // RFC 3339 string with a zone, or epoch milliseconds.
      return { type: ['string', 'number'], format: 'date-time' };
  }
}

/**
 * Compiles the validator of a schema version (Ajv, all errors collected).
 * Cost is a few milliseconds; cache the result per (business, schema version).
 */
export function compileEventValidator(schema: BusinessSchema): EventValidator {
  const validateFn = ajv.compile(eventJsonSchema(schema.fields));
  const timestampField = schema.timestampField;
  const keyFields = schema.entityKeyFields;
  return {
    schemaVersion: schema.schemaVersion,
    validate(raw, now, options = {}) {
      const latest = now.getTime() + (options.maxFutureSkewMs ?? DEFAULT_MAX_FUTURE_SKEW_MS);
      const earliest = options.earliest && options.earliest.ms > EARLIEST_EVENT_TIME ? options.earliest : null;
      const events: ValidatedEvent[] = [];
      const errors: InputErrorDetail[] = [];
      for (let i = 0; i < raw.length; i++) {
        const item = raw[i];
        if (item === null || typeof item !== 'object' || Array.isArray(item)) {
          errors.push({ pointer: `/${i}`, detail: 'an event must be a JSON object' });
          continue;
        }
        if (!validateFn(item)) {
          for (const e of validateFn.errors ?? []) errors.push(ajvErrorDetail(i, e));
          continue;
        }
        const obj = item as Record<string, unknown>;
        let eventTime = now;
        if (timestampField !== null && obj[timestampField] !== undefined) {
          const t = toDate(obj[timestampField]);
          if (t === null) {
            errors.push({
              pointer: `/${i}/${timestampField}`,
              detail: 'must be an RFC 3339 date-time with a zone or epoch milliseconds',
            });
            continue;
          }
          if (t.getTime() < EARLIEST_EVENT_TIME) {
            errors.push({
              pointer: `/${i}/${timestampField}`,
              detail: `is before ${new Date(EARLIEST_EVENT_TIME).toISOString()}, the earliest event time accepted`,
            });
            continue;
          }
          if (earliest && t.getTime() < earliest.ms) {
            errors.push({
              pointer: `/${i}/${timestampField}`,
              detail: `is before ${new Date(earliest.ms).toISOString()}: ${earliest.why}`,
            });
            continue;
          }
          if (t.getTime() > latest) {
            errors.push({
              pointer: `/${i}/${timestampField}`,
              detail:
                `is ${formatAhead(t.getTime() - now.getTime())} ahead of the time it was received ` +
                `(${now.toISOString()}); at most ${formatAhead(latest - now.getTime())} ahead is accepted`,
            });
            continue;
          }
          eventTime = t;
        }
        let clientEventId: string | null = null;
        let payload = obj;
        if (CLIENT_EVENT_ID_KEY in obj) {
          clientEventId = obj[CLIENT_EVENT_ID_KEY] as string;
          payload = { ...obj };
          delete payload[CLIENT_EVENT_ID_KEY];
        }
        events.push({ payload, eventTime, entityKey: entityKeyOf(payload, keyFields), clientEventId });
      }
      return { events, errors };
    },
  };
}

/** Entity key of a payload: key field values joined by `|`; `null` without key fields. */
export function entityKeyOf(payload: Record<string, unknown>, keyFields: readonly string[]): string | null {
  if (keyFields.length === 0) return null;
  return keyFields.map((k) => (payload[k] === undefined || payload[k] === null ? '' : String(payload[k]))).join('|');
}

/** A date, or null for what is not one (also numbers beyond the ±8.64e15 ms a Date holds). */
function toDate(v: unknown): Date | null {
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d;
}

function formatAhead(ms: number): string {
  const min = ms / 60_000;
  if (min < 120) return `${Math.round(min)} min`;
  const h = min / 60;
  if (h < 48) return `${Math.round(h)} h`;
  const days = h / 24;
  return days < 730 ? `${Math.round(days)} days` : `${Math.round(days / 365.25)} years`;
}

function ajvErrorDetail(index: number, e: ErrorObject): InputErrorDetail {
  switch (e.keyword) {
    case 'required':
      return {
        pointer: `/${index}/${(e.params as { missingProperty: string }).missingProperty}`,
        detail: 'is required',
      };
    case 'enum':
      return {
        pointer: `/${index}${e.instancePath}`,
        detail: `must be one of: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`,
      };
    case 'type':
      return {
        pointer: `/${index}${e.instancePath}`,
        detail:
          `must be ${String((e.params as { type: string | string[] }).type).replace(',', ' or ')}, got ` +
          `${describe(e.data)}`,
      };
    case 'format':
      return {
        pointer: `/${index}${e.instancePath}`,
        detail: 'must be an RFC 3339 date-time with a zone (2024-05-01T12:00:00Z) or epoch milliseconds',
      };
    default:
      return { pointer: `/${index}${e.instancePath}`, detail: e.message ?? 'is invalid' };
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return typeof v;
}
