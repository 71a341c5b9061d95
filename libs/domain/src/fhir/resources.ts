import { createHash } from 'node:crypto';
import type { FieldDefinition } from '../schema/business-schema';
import { LOINC_SYSTEM, UCUM_SYSTEM } from './codes';

/**
 * Events and alerts as HL7 FHIR R4 resources, and FHIR Observations as events.
 *
 * Observations follow the vital-signs profile (http://hl7.org/fhir/R4/observation-vitalsigns.html):
 * status `final`, category `vital-signs`, `code` with the field's LOINC coding, `subject` the entity,
 * `effectiveDateTime` the event time, `valueQuantity` in the field's UCUM unit. An event yields one
 * Observation per coded field it carries; its id is `<event id>-<LOINC code>` (FHIR ids allow letters,
 * digits, `-` and `.`, up to 64 characters).
 *
 * An alert reads as a DetectedIssue (http://hl7.org/fhir/R4/detectedissue.html): "an actual or potential
 * clinical issue … for a patient", with `evidence.detail` referencing the Observations that raised it. Flag
 * (http://hl7.org/fhir/R4/flag.html) was the other candidate, but a Flag cannot point at its supporting
 * observations, which is what a reviewer of an alert needs.
 */

/** FHIR resources as plain JSON (only the elements Anom writes are typed). */
export type FhirResource = { resourceType: string; id?: string; [k: string]: unknown };

export const VITAL_SIGNS_PROFILE = 'http://hl7.org/fhir/StructureDefinition/vitalsigns';
/** The vital-signs profile's code-specific profiles, by LOINC code. */
const VITAL_PROFILES: Record<string, string> = {
  '8867-4': 'http://hl7.org/fhir/StructureDefinition/heartrate',
  '59408-5': 'http://hl7.org/fhir/StructureDefinition/oxygensat',
  '9279-1': 'http://hl7.org/fhir/StructureDefinition/resprate',
  '8310-5': 'http://hl7.org/fhir/StructureDefinition/bodytemp',
};
const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
/** Identifier system of an entity whose key is not a valid FHIR id (it is then named by identifier). */
export const ENTITY_IDENTIFIER_SYSTEM = 'urn:anom:entity';
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** An event as the FHIR mapping reads it. */
export interface FhirEventRow {
  id: string;
  businessId: string;
  eventTime: Date;
  receivedAt: Date;
  entityKey: string | null;
  payload: Record<string, unknown>;
}

/** The numeric fields of a schema that carry a LOINC code and UCUM unit. */
export function codedFields(fields: readonly FieldDefinition[]): (FieldDefinition & { loinc: string; ucum: string })[] {
  return fields.filter(
    (f): f is FieldDefinition & { loinc: string; ucum: string } =>
      typeof f.loinc === 'string' && typeof f.ucum === 'string',
  );
}

export function observationId(eventId: string, loinc: string): string {
  return `${eventId}-${loinc}`;
}

/** The event id and LOINC code an Observation id names, or null when it is not one of ours. */
export function parseObservationId(id: string): { eventId: string; loinc: string } | null {
  const m = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-(\d{1,7}-\d)$/.exec(id);
  return m ? { eventId: m[1], loinc: m[2] } : null;
}

/**
 * The subject Reference of an entity: `Patient/<key>` when the key is a valid
 * FHIR id, else a logical reference by identifier (system `urn:anom:entity`).
 */
export function subjectReference(entityKey: string): Record<string, unknown> {
  if (FHIR_ID.test(entityKey)) return { reference: `Patient/${entityKey}`, display: entityKey };
  return { identifier: { system: ENTITY_IDENTIFIER_SYSTEM, value: entityKey }, display: entityKey };
}

/**
 * The Observations of one event: one per coded field holding a finite number
 * (`only`, when given, keeps those LOINC codes). Events without an entity key
 * have no subject and yield none (the vital-signs profile requires one).
 */
export function observationsOf(
  e: FhirEventRow,
  fields: readonly (FieldDefinition & { loinc: string; ucum: string })[],
  only?: ReadonlySet<string>,
): FhirResource[] {
  if (e.entityKey === null) return [];
  const out: FhirResource[] = [];
  for (const f of fields) {
    if (only && !only.has(f.loinc)) continue;
    const v = e.payload[f.name];
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    const profile = VITAL_PROFILES[f.loinc];
    out.push({
      resourceType: 'Observation',
      id: observationId(e.id, f.loinc),
      meta: { profile: profile ? [VITAL_SIGNS_PROFILE, profile] : [VITAL_SIGNS_PROFILE] },
      status: 'final',
      category: [
        {
          coding: [{ system: OBSERVATION_CATEGORY, code: 'vital-signs', display: 'Vital Signs' }],
          text: 'Vital Signs',
        },
      ],
      code: {
        coding: [{ system: LOINC_SYSTEM, code: f.loinc, ...(f.description ? { display: f.description } : {}) }],
        text: f.name,
      },
      subject: subjectReference(e.entityKey),
      effectiveDateTime: e.eventTime.toISOString(),
      issued: e.receivedAt.toISOString(),
      valueQuantity: { value: v, unit: f.ucum, system: UCUM_SYSTEM, code: f.ucum },
    });
  }
  return out;
}

/** An alert as the DetectedIssue mapping reads it. */
export interface FhirAlertRow {
  id: string;
  status: 'open' | 'acknowledged' | 'resolved';
  severity: string;
  ruleId: string;
  ruleName: string;
  summary: string;
  firstSeenAt: Date;
  /** The entity the alert is about (its group key on the business's entity-key fields), if any. */
  entityKey: string | null;
  /** Ids of the Observations of the events involved. */
  observationIds: string[];
}

/**
 * An alert as a DetectedIssue. Status: `preliminary` while open (nobody has
 * looked), `final` once acknowledged or resolved. Severity: critical and high
 * → `high`, medium → `moderate`, low → `low` (DetectedIssue.severity's codes).
 */
export function detectedIssueOf(a: FhirAlertRow): FhirResource {
  const severity =
    a.severity === 'critical' || a.severity === 'high' ? 'high' : a.severity === 'medium' ? 'moderate' : 'low';
  return {
    resourceType: 'DetectedIssue',
    id: a.id,
    status: a.status === 'open' ? 'preliminary' : 'final',
    code: { coding: [{ system: 'urn:anom:rule', code: a.ruleId, display: a.ruleName }], text: a.ruleName },
    severity,
    ...(a.entityKey !== null ? { patient: subjectReference(a.entityKey) } : {}),
    identifiedDateTime: a.firstSeenAt.toISOString(),
    detail: `${a.summary} (${a.status})`,
    ...(a.observationIds.length > 0
      ? { evidence: [{ detail: a.observationIds.map((id) => ({ reference: `Observation/${id}` })) }] }
      : {}),
  };
}

/** Where a FHIR input went wrong: a JSON pointer into the body and the FHIRPath-style expression of the element. */
export interface FhirInputError {
  pointer: string;
  expression: string;
  detail: string;
}

/** Whether a request body is a FHIR resource (a Bundle or an Observation) rather than Anom events. */
export function isFhirBody(body: unknown): body is FhirResource {
  return (
    body !== null &&
    typeof body === 'object' &&
    !Array.isArray(body) &&
    typeof (body as { resourceType?: unknown }).resourceType === 'string'
  );
}

/**
 * Maps a FHIR Bundle (its Observation entries) or a single Observation to
 * events of a business with coded fields. Observations of one subject at one
 * effective time become one event (a heart rate and an SpO2 read together
 * are one event, as a device would send them), with the business's event-time
 * field and single entity-key field set; `component`s (a blood pressure panel)
 * map like Observations. Each event's `_id` is derived from the Observations'
 * ids (or fullUrls) where every one has one, so a resent Bundle is stored once.
 *
 * Refused, with the entry named: a resource that is not an Observation, a
 * code with no LOINC coding the business knows, a value that is not a
 * Quantity in the field's UCUM unit, no effective time, no subject. Throws
 * nothing: returns the events or the errors.
 */
export function eventsFromFhir(
  body: FhirResource,
  schema: { fields: readonly FieldDefinition[]; timestampField: string | null; entityKeyFields: readonly string[] },
): { events: Record<string, unknown>[]; errors: FhirInputError[] } {
  const errors: FhirInputError[] = [];
  const byCode = new Map(codedFields(schema.fields).map((f) => [f.loinc, f]));
  const entries: { resource: unknown; fullUrl?: unknown; pointer: string; expression: string }[] = [];
  if (body.resourceType === 'Bundle') {
    const list = Array.isArray(body.entry) ? body.entry : [];
    if (list.length === 0)
      errors.push({ pointer: '/entry', expression: 'Bundle.entry', detail: 'the Bundle has no entries' });
    list.forEach((entry: unknown, i: number) => {
      const en = (entry ?? {}) as { resource?: unknown; fullUrl?: unknown };
      entries.push({
        resource: en.resource,
        fullUrl: en.fullUrl,
        pointer: `/entry/${i}/resource`,
        expression: `Bundle.entry[${i}].resource`,
      });
    });
  } else {
    entries.push({ resource: body, pointer: '', expression: body.resourceType });
  }
  if (byCode.size === 0)
    return {
      events: [],
      errors: [{ pointer: '', expression: body.resourceType, detail: 'this business has no field with a LOINC code' }],
    };
  if (schema.timestampField === null || schema.entityKeyFields.length !== 1)
    return {
      events: [],
      errors: [
        {
          pointer: '',
          expression: body.resourceType,
          detail: 'FHIR ingest needs a business with an event-time field and exactly one entity-key field',
        },
      ],
    };
  const groups = new Map<string, { event: Record<string, unknown>; ids: string[]; complete: boolean }>();
  for (const en of entries) {
    const r = en.resource as Record<string, unknown> | undefined;
    const err = (path: string, detail: string) =>
      errors.push({
        pointer: `${en.pointer}${path ? `/${path.replace(/\./g, '/')}` : ''}`,
        expression: `${en.expression}${path ? `.${path}` : ''}`,
        detail,
      });
    if (!r || typeof r !== 'object' || r.resourceType !== 'Observation') {
      err(
        'resourceType',
        `must be an Observation, got ${r && typeof r === 'object' ? String(r.resourceType) : 'nothing'}`,
      );
      continue;
    }
    const when =
      typeof r.effectiveDateTime === 'string'
        ? r.effectiveDateTime
        : typeof r.effectiveInstant === 'string'
          ? r.effectiveInstant
          : undefined;
    if (!when || Number.isNaN(Date.parse(when)) || !/[zZ]|[+-]\d\d:\d\d$/.test(when)) {
      err('effectiveDateTime', 'needs an effectiveDateTime (or effectiveInstant) with a time and a zone');
      continue;
    }
    const subject = (r.subject ?? {}) as { reference?: unknown; identifier?: { value?: unknown } };
    const entity =
      typeof subject.reference === 'string'
        ? subject.reference.replace(/^Patient\//, '')
        : typeof subject.identifier?.value === 'string'
          ? subject.identifier.value
          : undefined;
    if (!entity) {
      err('subject', 'needs a subject: a Patient reference or an identifier');
      continue;
    }
    const values: [string, number][] = [];
    const parts: { r: Record<string, unknown>; path: string }[] = [{ r, path: '' }];
    if (Array.isArray(r.component))
      r.component.forEach((c: unknown, i: number) =>
        parts.push({ r: (c ?? {}) as Record<string, unknown>, path: `component[${i}].` }),
      );
    let ok = true;
    for (const { r: part, path } of parts) {
      // An Observation with components (a panel) may carry no value of its own.
      if (path === '' && parts.length > 1 && part.valueQuantity === undefined) continue;
      const codings = (((part.code ?? {}) as { coding?: unknown }).coding ?? []) as {
        system?: unknown;
        code?: unknown;
      }[];
      const loinc = Array.isArray(codings)
        ? codings.find((c) => c?.system === LOINC_SYSTEM && typeof c.code === 'string' && byCode.has(c.code))?.code
        : undefined;
      if (typeof loinc !== 'string') {
        const seen = Array.isArray(codings)
          ? codings.map((c) => `${String(c?.system)}|${String(c?.code)}`).join(', ')
          : '';
        err(
          `${path}code`,
          `no LOINC code this business records (${[...byCode.keys()].join(', ')}); got ${seen || 'none'}`,
        );
        ok = false;
        continue;
      }
      const field = byCode.get(loinc)!;
      const q = part.valueQuantity as { value?: unknown; code?: unknown; system?: unknown } | undefined;
      if (!q || typeof q.value !== 'number' || !Number.isFinite(q.value)) {
        err(`${path}valueQuantity`, 'needs a valueQuantity with a numeric value');
        ok = false;
        continue;
      }
      if (q.code !== undefined && (q.code !== field.ucum || (q.system !== undefined && q.system !== UCUM_SYSTEM))) {
        err(`${path}valueQuantity.code`, `must be the UCUM unit ${field.ucum} of ${field.name}, got ${String(q.code)}`);
        ok = false;
        continue;
      }
      values.push([field.name, q.value]);
    }
    if (!ok) continue;
    const time = new Date(when).toISOString();
    const key = `${entity}\u0000${time}`;
    let g = groups.get(key);
    if (!g) {
      g = { event: { [schema.timestampField]: time, [schema.entityKeyFields[0]]: entity }, ids: [], complete: true };
      groups.set(key, g);
    }
    for (const [name, v] of values) g.event[name] = v;
    const id = typeof r.id === 'string' ? `Observation/${r.id}` : typeof en.fullUrl === 'string' ? en.fullUrl : null;
    if (id) g.ids.push(id);
    else g.complete = false;
  }
  if (errors.length > 0) return { events: [], errors };
  const events = [...groups.values()].map((g) =>
    g.complete && g.ids.length > 0
      ? { _id: `fhir-${createHash('sha256').update(g.ids.sort().join('\n')).digest('hex').slice(0, 32)}`, ...g.event }
      : g.event,
  );
  return { events, errors };
}
