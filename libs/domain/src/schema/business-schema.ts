import { isLoincCode, isUcumCode } from '../fhir/codes';
import { FIELD_TYPES, KEY_FIELD_TYPES, type FieldType, type InputErrorDetail } from '@anom/contracts';

/** One field of a business schema, as stored and as the API takes it. */
export interface FieldDefinition {
  name: string;
  type: FieldType;
  required?: boolean;
  /** Free-text unit shown beside values (`ms`, `bpm`, `%`). */
  unit?: string | null;
  /** Allowed values of an `enum` field. */
  enum?: string[];
  /** Inclusive bounds of a `number`/`integer` field. */
  min?: number | null;
  max?: number | null;
  description?: string | null;
  /** LOINC code of what a numeric field measures (`8867-4` heart rate): its events read as FHIR Observations. */
  loinc?: string | null;
  /** UCUM code of the field's unit (`/min`, `%`, `Cel`), the FHIR valueQuantity's unit. Required with `loinc`. */
  ucum?: string | null;
}

/** What the engine needs to know of a business to validate and evaluate its events. */
export interface BusinessSchema {
  id: string;
  timezone: string;
  /** Field holding the event time; `null` means the receive time is the event time. */
  timestampField: string | null;
  /** Fields whose values identify the entity an event is about (a user, a route). */
  entityKeyFields: string[];
  fields: FieldDefinition[];
  schemaVersion: number;
}

/** Business ids are slugs used in URLs: lowercase letters, digits and single dashes. */
export const BUSINESS_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Field names are identifiers so CEL conditions can name them directly. */
export const FIELD_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names CEL reserves; a field so named could never be referenced in a condition. */
const CEL_RESERVED = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);
/**
 * Names of Object.prototype's members (`__proto__`, `constructor`,
 * `toString`, `hasOwnProperty`, …): a field so named reads the prototype's
 * function on every event that omits it ("must be number, got function"),
 * and `__proto__` cannot be a plain property at all, so they are refused.
 */
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));
/** The envelope key carrying the client event id; never a field. */
export const CLIENT_EVENT_ID_KEY = '_id';
/**
 * Field types usable as group keys and entity keys (scalar); defined in @anom/contracts so the web app uses the same
 * list.
 */
export { KEY_FIELD_TYPES };

/** Checks one field definition; pointers are relative to the field (`/type`). */
export function checkField(field: FieldDefinition): InputErrorDetail[] {
  const errors: InputErrorDetail[] = [];
  if (typeof field.name !== 'string' || !FIELD_NAME_PATTERN.test(field.name)) {
    errors.push({ pointer: '/name', detail: 'must be an identifier: a letter or _ followed by letters, digits or _' });
  } else if (CEL_RESERVED.has(field.name) || field.name === CLIENT_EVENT_ID_KEY || PROTOTYPE_NAMES.has(field.name)) {
    errors.push({ pointer: '/name', detail: `'${field.name}' is reserved` });
  } else if (field.name.length > 64) {
    errors.push({ pointer: '/name', detail: 'must be at most 64 characters' });
  }
  if (!FIELD_TYPES.includes(field.type)) {
    errors.push({ pointer: '/type', detail: `must be one of ${FIELD_TYPES.join(', ')}` });
  }
  if (field.type === 'enum') {
    if (!Array.isArray(field.enum) || field.enum.length === 0) {
      errors.push({ pointer: '/enum', detail: 'an enum field needs at least one value' });
    } else if (new Set(field.enum).size !== field.enum.length) {
      errors.push({ pointer: '/enum', detail: 'values must be unique' });
    }
  } else if (field.enum && field.enum.length > 0) {
    errors.push({ pointer: '/enum', detail: 'only an enum field takes enum values' });
  }
  const numeric = field.type === 'number' || field.type === 'integer';
  for (const bound of ['min', 'max'] as const) {
    const v = field[bound];
    if (v === undefined || v === null) continue;
    if (!numeric) errors.push({ pointer: `/${bound}`, detail: `only number and integer fields take ${bound}` });
    else if (!Number.isFinite(v)) errors.push({ pointer: `/${bound}`, detail: 'must be a finite number' });
  }
  if (numeric && field.min != null && field.max != null && field.min > field.max) {
    errors.push({ pointer: '/min', detail: `must not exceed max (${field.max})` });
  }
  if (field.loinc != null) {
    if (!numeric) errors.push({ pointer: '/loinc', detail: 'only number and integer fields take a LOINC code' });
    else if (!isLoincCode(field.loinc))
      errors.push({ pointer: '/loinc', detail: 'must be a LOINC code with its check digit (8867-4)' });
    if (field.ucum == null)
      errors.push({ pointer: '/ucum', detail: 'a coded field needs its UCUM unit (/min, %, Cel)' });
  }
  if (field.ucum != null && !isUcumCode(field.ucum))
    errors.push({ pointer: '/ucum', detail: 'must be a UCUM code: printable ASCII without spaces (/min, Cel)' });
  return errors;
}

/**
 * Checks a whole schema: every field, unique names, and that the event-time
 * field and entity-key fields exist with suitable types. Pointers are relative
 * to the business body (`/fields/2/type`, `/timestampField`).
 */
export function checkBusinessSchema(
  schema: Pick<BusinessSchema, 'fields' | 'timestampField' | 'entityKeyFields' | 'timezone'>,
): InputErrorDetail[] {
  const errors: InputErrorDetail[] = [];
  const seen = new Set<string>();
  schema.fields.forEach((f, i) => {
    for (const e of checkField(f)) errors.push({ pointer: `/fields/${i}${e.pointer}`, detail: e.detail });
    if (seen.has(f.name)) errors.push({ pointer: `/fields/${i}/name`, detail: `duplicate field '${f.name}'` });
    seen.add(f.name);
    if (f.loinc != null && schema.fields.findIndex((g) => g.loinc === f.loinc) !== i)
      errors.push({ pointer: `/fields/${i}/loinc`, detail: `another field has LOINC code ${f.loinc}` });
  });
  const byName = new Map(schema.fields.map((f) => [f.name, f]));
  if (schema.timestampField != null) {
    const f = byName.get(schema.timestampField);
    if (!f) errors.push({ pointer: '/timestampField', detail: `no field named '${schema.timestampField}'` });
    else if (f.type !== 'timestamp')
      errors.push({ pointer: '/timestampField', detail: `field '${f.name}' is ${f.type}, must be timestamp` });
  }
  schema.entityKeyFields.forEach((name, i) => {
    const f = byName.get(name);
    if (!f) errors.push({ pointer: `/entityKeyFields/${i}`, detail: `no field named '${name}'` });
    else if (!KEY_FIELD_TYPES.includes(f.type))
      errors.push({
        pointer: `/entityKeyFields/${i}`,
        detail: `field '${name}' is ${f.type}; an entity key must be a scalar field`,
      });
  });
  if (!isValidTimeZone(schema.timezone)) {
    errors.push({ pointer: '/timezone', detail: `'${schema.timezone}' is not an IANA time zone` });
  }
  return errors;
}

/** True when `tz` is an IANA time zone the runtime knows (Intl). */
export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
