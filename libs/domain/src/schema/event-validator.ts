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
   * timestamp. Never throws: every problem is reported, with its index.
   */
  validate(raw: readonly unknown[], now: Date): EventValidationResult;
}

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
    validate(raw, now) {
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
            errors.push({ pointer: `/${i}/${timestampField}`, detail: 'must be an RFC 3339 date-time with a zone or epoch milliseconds' });
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

function toDate(v: unknown): Date | null {
  if (typeof v === 'number') return Number.isFinite(v) ? new Date(v) : null;
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? null : new Date(ms);
  }
  return null;
}

function ajvErrorDetail(index: number, e: ErrorObject): InputErrorDetail {
  switch (e.keyword) {
    case 'required':
      return { pointer: `/${index}/${(e.params as { missingProperty: string }).missingProperty}`, detail: 'is required' };
    case 'enum':
      return { pointer: `/${index}${e.instancePath}`, detail: `must be one of: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` };
    case 'type':
      return { pointer: `/${index}${e.instancePath}`, detail: `must be ${String((e.params as { type: string | string[] }).type).replace(',', ' or ')}, got ${describe(e.data)}` };
    case 'format':
      return { pointer: `/${index}${e.instancePath}`, detail: 'must be an RFC 3339 date-time with a zone (2024-05-01T12:00:00Z) or epoch milliseconds' };
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
