import { Injectable } from '@nestjs/common';
import {
  AlertRepository,
  BusinessRepository,
  Database,
  RuleRepository,
  type AlertRecord,
  type BusinessRecord,
} from '@anom/db';
import {
  DomainError,
  LOINC_SYSTEM,
  codedFields,
  detectedIssueOf,
  observationsOf,
  parseObservationId,
  type FhirEventRow,
  type FhirResource,
  type FieldDefinition,
} from '@anom/domain';
import { decodeCursor, encodeCursor, isTimeIdCursor } from '../common/pagination';

type Coded = FieldDefinition & { loinc: string; ucum: string };
interface CodedBusiness {
  business: BusinessRecord;
  fields: Coded[];
}

/** Observations a search page holds by default, and at most. */
const DEFAULT_COUNT = 50;
const MAX_COUNT = 500;
/** Events read per round trip while filling a page. */
const EVENT_PAGE = 200;

/** The parameters of an Observation search (FHIR search syntax, as strings). */
export interface ObservationSearch {
  subject?: string;
  code?: string;
  date?: string | string[];
  _count?: string;
  _cursor?: string;
}

export interface DetectedIssueSearch {
  patient?: string;
  _count?: string;
  _cursor?: string;
}

/**
 * The read-only FHIR R4 facade over businesses whose fields carry LOINC codes
 * (see libs/domain/src/fhir/resources.ts for the mapping): Observation search
 * and read, DetectedIssue search and read, and the CapabilityStatement.
 * Errors are DomainErrors; the FHIR controller answers them as OperationOutcome.
 * Search pages are keyset-paged (newest first) with an opaque `_cursor` in the
 * Bundle's `next` link, so paging costs the same on page 1 and page 1,000.
 */
@Injectable()
export class FhirService {
  constructor(
    private readonly db: Database,
    private readonly businesses: BusinessRepository,
    private readonly alerts: AlertRepository,
    private readonly rules: RuleRepository,
  ) {}

  private async codedBusinesses(): Promise<CodedBusiness[]> {
    return (await this.businesses.listLive())
      .map((business) => ({ business, fields: codedFields(business.fields) }))
      .filter((c) => c.fields.length > 0);
  }

  /**
   * A `searchset` Bundle of Observations, newest first. `subject`: an entity
   * key, or `Patient/<key>`; `code`: LOINC codes, comma-separated, each
   * optionally `http://loinc.org|<code>`; `date`: repeated, each with a prefix
   * (eq, ge, gt, le, lt; eq by default; a date without a time means the whole
   * day in UTC); `_count` 1–500 (50). Throws VALIDATION_FAILED naming the parameter.
   */
  async searchObservations(q: ObservationSearch, self: string, base: string): Promise<FhirResource> {
    const count = parseCount(q._count);
    const codes = q.code ? parseCodes(q.code) : null;
    const range = parseDates(q.date);
    const subject = q.subject?.replace(/^Patient\//, '');
    const coded = await this.codedBusinesses();
    const fieldsOf = new Map(coded.map((c) => [c.business.id, c.fields]));
    const names = [
      ...new Set(coded.flatMap((c) => c.fields.filter((f) => !codes || codes.has(f.loinc)).map((f) => f.name))),
    ];
    const entries: FhirResource[] = [];
    let cursor = q._cursor ? decodeCursor(q._cursor, isObservationCursor) : null;
    let next: ObservationCursor | null = null;
    if (names.length > 0) {
      outer: for (;;) {
        const events = await this.events(coded, names, subject, range, cursor, EVENT_PAGE);
        for (const e of events) {
          const all = observationsOf(e, fieldsOf.get(e.businessId) ?? [], codes ?? undefined);
          const skip = cursor && cursor.id === e.id ? cursor.skip : 0;
          for (let i = skip; i < all.length; i++) {
            if (entries.length === count) {
              next = { t: e.eventTime.toISOString(), id: e.id, skip: i };
              break outer;
            }
            entries.push(all[i]);
          }
        }
        if (events.length < EVENT_PAGE) break;
        const last = events[events.length - 1];
        // The last event was emitted whole: continue strictly after it.
        cursor = { t: last.eventTime.toISOString(), id: last.id, skip: Number.MAX_SAFE_INTEGER };
      }
    }
    return searchset(entries, base, 'Observation', self, next ? nextLink(self, encodeCursor(next)) : null);
  }

  private async events(
    coded: CodedBusiness[],
    names: string[],
    subject: string | undefined,
    range: { lo: Date | null; loOpen: boolean; hi: Date | null; hiOpen: boolean },
    cursor: ObservationCursor | null,
    limit: number,
  ): Promise<FhirEventRow[]> {
    const args: unknown[] = [coded.map((c) => c.business.id), names];
    const where = ['business_id = ANY($1::text[])', 'entity_key IS NOT NULL', 'payload ?| $2::text[]'];
    if (subject !== undefined) where.push(`entity_key = $${args.push(subject)}`);
    if (range.lo) where.push(`event_time ${range.loOpen ? '>' : '>='} $${args.push(range.lo)}`);
    if (range.hi) where.push(`event_time ${range.hiOpen ? '<' : '<='} $${args.push(range.hi)}`);
    if (cursor) {
      // The cursor's event again when part of it is still to come (skip), else strictly after it.
      const op = cursor.skip === Number.MAX_SAFE_INTEGER ? '<' : '<=';
      where.push(`(event_time, id) ${op} ($${args.push(new Date(cursor.t))}, $${args.push(cursor.id)}::uuid)`);
    }
    const r = await this.db.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM event e WHERE ${where.join(' AND ')}
        ORDER BY event_time DESC, id DESC LIMIT $${args.push(limit)}`,
      args,
    );
    return r.rows.map(toRow);
  }

  /** One Observation by id (`<event id>-<LOINC code>`). Throws FHIR_NOT_FOUND. */
  async readObservation(id: string): Promise<FhirResource> {
    const parsed = parseObservationId(id);
    if (!parsed) throw new DomainError('FHIR_NOT_FOUND', `no Observation '${id}'`);
    const coded = await this.codedBusinesses();
    const ids = coded.filter((c) => c.fields.some((f) => f.loinc === parsed.loinc)).map((c) => c.business.id);
    const r = await this.db.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM event e WHERE business_id = ANY($1::text[]) AND id = $2::uuid LIMIT 1`,
      [ids, parsed.eventId],
    );
    const row = r.rows[0];
    const fields = coded.find((c) => c.business.id === row?.business_id)?.fields ?? [];
    const obs = row ? observationsOf(toRow(row), fields, new Set([parsed.loinc])) : [];
    if (obs.length === 0) throw new DomainError('FHIR_NOT_FOUND', `no Observation '${id}'`);
    return obs[0];
  }

  /**
   * A `searchset` Bundle of DetectedIssues (the alerts of coded businesses),
   * newest first; `patient` an entity key or `Patient/<key>`.
   */
  async searchDetectedIssues(q: DetectedIssueSearch, self: string, base: string): Promise<FhirResource> {
    const count = parseCount(q._count);
    const patient = q.patient?.replace(/^Patient\//, '');
    const coded = await this.codedBusinesses();
    const args: unknown[] = [coded.map((c) => c.business.id)];
    const where = ['a.business_id = ANY($1::text[])'];
    if (patient !== undefined) {
      // Businesses with one entity-key field: the alert's group key names the patient.
      const single = coded.filter((c) => c.business.entityKeyFields.length === 1);
      where.push(
        `(${
          single
            .map(
              (c) =>
                `(a.business_id = $${args.push(c.business.id)} AND a.group_key ->> $${args.push(
                  c.business.entityKeyFields[0],
                )} = $${args.push(patient)})`,
            )
            .join(' OR ') || 'false'
        })`,
      );
    }
    const cursor = q._cursor ? decodeCursor(q._cursor, isTimeIdCursor) : null;
    if (cursor)
      where.push(`(a.first_seen_at, a.id) < ($${args.push(new Date(cursor.t))}, $${args.push(cursor.id)}::uuid)`);
    const r = await this.db.pool.query<{ id: string; first_seen_at: Date }>(
      `SELECT a.id, a.first_seen_at FROM alert a WHERE ${where.join(' AND ')}
        ORDER BY a.first_seen_at DESC, a.id DESC LIMIT $${args.push(count + 1)}`,
      args,
    );
    const page = r.rows.slice(0, count);
    // The page's alerts in one query, each rule's name read once.
    const byId = new Map(
      (page.length ? await this.alerts.list({ ids: page.map((row) => row.id), limit: page.length }) : []).map((a) => [
        a.id,
        a,
      ]),
    );
    const ruleNames = new Map<string, Promise<string>>();
    const entries = await Promise.all(
      page.map((row) => (byId.has(row.id) ? this.detectedIssue(byId.get(row.id)!, coded, ruleNames) : null)),
    );
    const last = page[page.length - 1];
    const next =
      r.rows.length > count ? nextLink(self, encodeCursor({ t: last.first_seen_at.toISOString(), id: last.id })) : null;
    return searchset(
      entries.filter((e): e is FhirResource => e !== null),
      base,
      'DetectedIssue',
      self,
      next,
    );
  }

  /** One alert of a coded business as a DetectedIssue. Throws FHIR_NOT_FOUND. */
  async readDetectedIssue(id: string): Promise<FhirResource> {
    const alert = /^[0-9a-f-]{36}$/.test(id) ? await this.alerts.findById(id) : null;
    const issue = alert ? await this.detectedIssue(alert, await this.codedBusinesses(), new Map()) : null;
    if (!issue) throw new DomainError('FHIR_NOT_FOUND', `no DetectedIssue '${id}'`);
    return issue;
  }

  /** An alert of a coded business as a DetectedIssue (null for other businesses); `ruleNames` caches rule names. */
  private async detectedIssue(
    alert: AlertRecord,
    coded: CodedBusiness[],
    ruleNames: Map<string, Promise<string>>,
  ): Promise<FhirResource | null> {
    const c = coded.find((x) => x.business.id === alert.businessId);
    if (!c) return null;
    let ruleName = ruleNames.get(alert.ruleId);
    if (!ruleName) {
      ruleName = this.rules.findById(alert.ruleId, { includeDeleted: true }).then((r) => r?.name ?? alert.ruleId);
      ruleNames.set(alert.ruleId, ruleName);
    }
    // The events involved (up to 100), found within the alert's time span on the business's time index.
    const r = await this.db.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM event e
        WHERE e.business_id = $1 AND e.event_time BETWEEN $2 AND $3
          AND e.id IN (SELECT event_id FROM rule_match WHERE alert_id = $4 LIMIT 100)`,
      [alert.businessId, alert.startTime, alert.endTime, alert.id],
    );
    const observationIds = r.rows.flatMap((row) => observationsOf(toRow(row), c.fields).map((o) => o.id as string));
    const keys = c.business.entityKeyFields;
    const group = alert.groupKey as Record<string, unknown>;
    const entityKey =
      keys.length > 0 && keys.every((k) => group[k] !== undefined && group[k] !== null)
        ? keys.map((k) => String(group[k])).join('|')
        : null;
    return detectedIssueOf({
      id: alert.id,
      status: alert.status,
      severity: alert.severity,
      ruleId: alert.ruleId,
      ruleName: await ruleName,
      summary: alert.summary,
      firstSeenAt: alert.firstSeenAt,
      entityKey,
      observationIds,
    });
  }

  /** What this server offers, as a CapabilityStatement (http://hl7.org/fhir/R4/capabilitystatement.html). */
  capabilityStatement(base: string): FhirResource {
    return {
      resourceType: 'CapabilityStatement',
      status: 'active',
      date: '2026-11-30',
      publisher: 'Anom',
      kind: 'instance',
      software: { name: 'Anom' },
      implementation: {
        description:
          'Anom: vitals of businesses with LOINC-coded fields as Observations, alerts as DetectedIssues. ' +
          'FHIR Bundles and Observations are also accepted by POST /ingest/{businessId}.',
        url: `${base}/fhir/r4`,
      },
      fhirVersion: '4.0.1',
      format: ['application/fhir+json', 'json'],
      rest: [
        {
          mode: 'server',
          security: {
            description: 'An Anom API key (Authorization: Bearer) or a signed-in session; role viewer or above.',
          },
          resource: [
            {
              type: 'Observation',
              profile: 'http://hl7.org/fhir/StructureDefinition/vitalsigns',
              interaction: [{ code: 'read' }, { code: 'search-type' }],
              searchParam: [
                { name: 'subject', type: 'reference', documentation: 'Patient/<entity key>, or the entity key' },
                { name: 'code', type: 'token', documentation: 'LOINC codes, comma-separated' },
                { name: 'date', type: 'date', documentation: 'effective time; prefixes eq, ge, gt, le, lt' },
                { name: '_count', type: 'number', documentation: `page size, at most ${MAX_COUNT}` },
              ],
            },
            {
              type: 'DetectedIssue',
              interaction: [{ code: 'read' }, { code: 'search-type' }],
              searchParam: [
                { name: 'patient', type: 'reference', documentation: 'Patient/<entity key>, or the entity key' },
                { name: '_count', type: 'number', documentation: `page size, at most ${MAX_COUNT}` },
              ],
            },
          ],
        },
      ],
    };
  }
}

/** The columns an event's FHIR mapping reads (the query aliases `event` as `e`). */
const EVENT_COLUMNS = 'e.id, e.business_id, e.event_time, e.received_at, e.entity_key, e.payload';

interface EventRow {
  id: string;
  business_id: string;
  event_time: Date;
  received_at: Date;
  entity_key: string | null;
  payload: Record<string, unknown>;
}

function toRow(row: EventRow): FhirEventRow {
  return {
    id: row.id,
    businessId: row.business_id,
    eventTime: row.event_time,
    receivedAt: row.received_at,
    entityKey: row.entity_key,
    payload: row.payload,
  };
}

interface ObservationCursor {
  t: string;
  id: string;
  /** Observations of that event already returned. */
  skip: number;
}

function isObservationCursor(v: unknown): v is ObservationCursor {
  const skip = (v as { skip?: unknown } | null)?.skip;
  return isTimeIdCursor(v) && Number.isSafeInteger(skip) && (skip as number) >= 0;
}

function invalid(param: string, detail: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `${param} ${detail}`, [{ pointer: `/query/${param}`, detail }]);
}

function parseCount(v: string | undefined): number {
  if (v === undefined) return DEFAULT_COUNT;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > MAX_COUNT)
    throw invalid('_count', `must be an integer from 1 to ${MAX_COUNT}`);
  return n;
}

function parseCodes(v: string): Set<string> {
  const out = new Set<string>();
  for (const token of v.split(',')) {
    const [system, code] = token.includes('|') ? token.split('|', 2) : [LOINC_SYSTEM, token];
    if (system !== LOINC_SYSTEM || !/^\d{1,7}-\d$/.test(code ?? ''))
      throw invalid('code', `'${token}' is not a LOINC code (8867-4 or http://loinc.org|8867-4)`);
    out.add(code);
  }
  return out;
}

/** FHIR date search parameters → a time range (http://hl7.org/fhir/R4/search.html#date). */
function parseDates(v: string | string[] | undefined): {
  lo: Date | null;
  loOpen: boolean;
  hi: Date | null;
  hiOpen: boolean;
} {
  const range = { lo: null as Date | null, loOpen: false, hi: null as Date | null, hiOpen: false };
  for (const raw of v === undefined ? [] : Array.isArray(v) ? v : [v]) {
    const m = /^(eq|ge|gt|le|lt)?(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.exec(raw);
    if (!m) throw invalid('date', `'${raw}' must be [eq|ge|gt|le|lt]YYYY-MM-DD or a date-time with a zone`);
    const prefix = m[1] ?? 'eq';
    const dayOnly = m[3] === undefined;
    const start = new Date(dayOnly ? `${m[2]}T00:00:00Z` : raw.slice(prefix === m[1] ? 2 : 0));
    if (Number.isNaN(start.getTime())) throw invalid('date', `'${raw}' is not a valid date`);
    // A day is the interval [start, next day); a date-time is an instant.
    const end = dayOnly ? new Date(start.getTime() + 86_400_000) : start;
    if (prefix === 'ge' || prefix === 'eq') {
      range.lo = start;
      range.loOpen = false;
    }
    if (prefix === 'gt') {
      range.lo = dayOnly ? end : start;
      range.loOpen = !dayOnly;
    }
    if (prefix === 'le' || prefix === 'eq') {
      range.hi = end;
      range.hiOpen = dayOnly;
    }
    if (prefix === 'lt') {
      range.hi = start;
      range.hiOpen = true;
    }
  }
  return range;
}

function searchset(
  resources: FhirResource[],
  base: string,
  type: string,
  self: string,
  next: string | null,
): FhirResource {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    timestamp: new Date().toISOString(),
    link: [{ relation: 'self', url: self }, ...(next ? [{ relation: 'next', url: next }] : [])],
    entry: resources.map((resource) => ({
      fullUrl: `${base}/fhir/r4/${type}/${resource.id}`,
      resource,
      search: { mode: 'match' },
    })),
  };
}

function nextLink(self: string, cursor: string): string {
  const url = new URL(self);
  url.searchParams.set('_cursor', cursor);
  return url.toString();
}
