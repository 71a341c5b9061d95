import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import {
  DomainError,
  codedFields,
  compileEventValidator,
  eventsFromFhir,
  isFhirBody,
  jsonProblem,
  type EventValidator,
  type FhirResource,
} from '@anom/domain';
import { EventRepository, toBusinessSchema, type BatchRecord, type BusinessRecord, type StoredEvent } from '@anom/db';
import { EvaluateQueues } from '@anom/queue';
import type { InputErrorDetail } from '@anom/contracts';
import { BusinessesService } from '../business-def/businesses.service';
import { decodeCursor, isTimeIdCursor, toPage, type Page } from '../common/pagination';
import type { ApiConfig } from '../config/api.config';
import { MetricsService } from '../metrics/metrics.service';
import { API_CONFIG } from '../infra/tokens';
import type { ListEventsQuery } from './dto/events.dto';

/** A raw NDJSON body, parsed line by line by the service so errors can name the line. */
export class NdjsonBody {
  constructor(readonly text: string) {}
}

export interface IngestResult {
  /**
   * Events of the request newly stored (and to be evaluated). With `duplicates` it makes the request's count:
   * every event of a 202 is stored, new or from before.
   */
  accepted: number;
  /** One id per event, in request order. */
  ids: string[];
  /** Events whose client event id (`_id`) was stored before: not stored or evaluated again. */
  duplicates: number;
  /** The evaluation batch, to poll with GET /ingest/:businessId/batches/:batchId (null if nothing new). */
  batchId: string | null;
}

const BUSINESS_CACHE_MS = 2_000;
const MAX_REPORTED_ERRORS = 100;

/**
 * The ingest path: parse -> validate (Ajv, compiled per schema version) ->
 * store the batch with its outbox row in one transaction -> enqueue one
 * evaluation job -> 202. Once this resolves the events are durable; if the
 * enqueue fails the sweeper enqueues the batch later, so the answer does not
 * depend on Redis.
 */
@Injectable()
export class IngestionService {
  private readonly validators = new Map<string, EventValidator>();
  private readonly businessCache = new Map<string, { business: BusinessRecord; until: number }>();

  constructor(
    private readonly businesses: BusinessesService,
    private readonly events: EventRepository,
    private readonly queues: EvaluateQueues,
    private readonly logger: PinoLogger,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly metrics: MetricsService,
  ) {
    logger.setContext('IngestionService');
  }

  /**
   * `fromSource`: the events come with an ingest-only credential (a source
   * token or an `ingest:` key), whose events may be no older than the
   * business's retention (editors, write keys and the bootstrap token may
   * replay history of any age; a source is a device or service reporting now).
   */
  async ingest(
    businessId: string,
    body: unknown,
    requestId: string,
    fromSource = false,
    fhir: { fhirMedia?: boolean; onFhir?: () => void } = {},
  ): Promise<IngestResult> {
    const business = await this.business(businessId);
    const raw = this.isFhir(body, business, fhir.fhirMedia ?? false)
      ? (fhir.onFhir?.(), this.fromFhir(body as FhirResource, business))
      : this.toEventList(body);
    if (raw.length === 0)
      throw new DomainError('EVENTS_MALFORMED', 'the request holds no events', [
        { pointer: '', detail: 'send one event object, an array of events, or NDJSON lines' },
      ]);
    if (raw.length > this.config.ingestMaxBatch) {
      throw new DomainError(
        'BATCH_TOO_LARGE',
        `a request may hold at most ${this.config.ingestMaxBatch} events; this one has ${raw.length}`,
      );
    }
    const receivedAt = new Date();
    const { events, errors } = this.validator(business).validate(raw, receivedAt, {
      maxFutureSkewMs: this.config.ingestMaxFutureSkewMs,
      earliest: fromSource
        ? {
            ms: receivedAt.getTime() - business.retentionDays * 86_400_000,
            why:
              `a source token may send events at most the business's retention (${business.retentionDays} ` +
              `days) old; replay older history with a write key or as an editor`,
          }
        : undefined,
    });
    if (errors.length > 0) {
      this.metrics.ingested.inc({ business: businessId, outcome: 'rejected' }, raw.length);
      const shown = errors.slice(0, MAX_REPORTED_ERRORS);
      const more = errors.length > shown.length ? ` (first ${shown.length} of ${errors.length} listed)` : '';
      throw new DomainError(
        'EVENTS_INVALID',
        `${errors.length} problem(s) in ${raw.length} event(s); nothing was stored${more}. First: ` +
          `${shown[0].pointer} ${shown[0].detail}`,
        shown,
      );
    }
    const batchId = randomUUID();
    const stored = await this.events.insertBatch({
      batchId,
      businessId,
      schemaVersion: business.schemaVersion,
      receivedAt,
      requestId,
      events: events.map((e) => ({
        id: randomUUID(),
        eventTime: e.eventTime,
        entityKey: e.entityKey,
        payload: e.payload,
        clientEventId: e.clientEventId,
      })),
    });
    if (stored.inserted > 0) this.metrics.ingested.inc({ business: businessId, outcome: 'accepted' }, stored.inserted);
    if (stored.duplicates > 0)
      this.metrics.ingested.inc({ business: businessId, outcome: 'duplicate' }, stored.duplicates);
    if (stored.batchId) {
      try {
        await this.queues.enqueue({ batchId: stored.batchId, businessId, requestId, events: events.length });
      } catch (err) {
        // Durable already: the sweeper will enqueue this pending batch.
        this.logger.warn({ err, batchId: stored.batchId, businessId }, 'enqueue failed; batch left for the sweeper');
      }
    }
    return { accepted: stored.inserted, ids: stored.ids, duplicates: stored.duplicates, batchId: stored.batchId };
  }

  async batch(businessId: string, batchId: string): Promise<BatchRecord> {
    const b = await this.events.findBatch(batchId);
    if (!b || b.businessId !== businessId)
      throw new DomainError('BATCH_NOT_FOUND', `business '${businessId}' has no batch '${batchId}'`);
    return b;
  }

  async listEvents(businessId: string, q: ListEventsQuery): Promise<Page<StoredEvent>> {
    await this.businesses.get(businessId);
    const limit = q.limit ?? 100;
    const from = q.from ? new Date(q.from) : undefined;
    const to = q.to ? new Date(q.to) : undefined;
    if (from && to && from >= to)
      throw new DomainError('VALIDATION_FAILED', 'from must be before to', [
        { pointer: '/from', detail: 'must be before to' },
      ]);
    const before = q.cursor ? decodeCursor(q.cursor, isTimeIdCursor) : undefined;
    const rows = await this.events.list({
      businessId,
      from,
      to,
      entity: q.entity,
      ids: q.ids,
      limit: limit + 1,
      before: before && { eventTime: new Date(before.t), id: before.id },
    });
    return toPage(rows, limit, (e) => ({ t: e.eventTime.toISOString(), id: e.id }));
  }

  /**
   * Whether a request is FHIR: sent as `application/fhir+json` (then it must be a FHIR resource), or a Bundle or
   * Observation sent as JSON to a business with LOINC-coded fields. Anything else is Anom events, so a business
   * whose own events carry a `resourceType` field is not mistaken for FHIR. Throws EVENTS_MALFORMED for FHIR media
   * that holds no resource.
   */
  private isFhir(body: unknown, business: BusinessRecord, fhirMedia: boolean): boolean {
    if (fhirMedia) {
      if (!isFhirBody(body))
        throw new DomainError(
          'EVENTS_MALFORMED',
          'application/fhir+json takes one FHIR resource: a Bundle or an Observation',
          [{ pointer: '', detail: 'send a Bundle of Observations or one Observation' }],
        );
      return true;
    }
    return (
      isFhirBody(body) &&
      (body.resourceType === 'Bundle' || body.resourceType === 'Observation') &&
      codedFields(business.fields).length > 0
    );
  }

  /**
   * A FHIR Bundle or Observation as events (see eventsFromFhir); throws
   * EVENTS_INVALID naming each refused entry, nothing stored.
   */
  private fromFhir(body: FhirResource, business: BusinessRecord): unknown[] {
    const { events, errors } = eventsFromFhir(body, business);
    if (errors.length > 0) {
      this.metrics.ingested.inc({ business: business.id, outcome: 'rejected' }, 1);
      const shown = errors.slice(0, MAX_REPORTED_ERRORS);
      throw new DomainError(
        'EVENTS_INVALID',
        `${errors.length} problem(s) in the FHIR ${body.resourceType}; nothing was stored. First: ` +
          `${shown[0].expression} ` +
          shown[0].detail,
        shown.map((e) => ({ pointer: e.pointer, detail: e.detail })),
      );
    }
    return events;
  }

  private toEventList(body: unknown): unknown[] {
    if (body instanceof NdjsonBody) return parseNdjson(body.text);
    if (Array.isArray(body)) return body;
    if (body !== null && typeof body === 'object') return [body];
    throw new DomainError('EVENTS_MALFORMED', 'the body must be a JSON object, a JSON array of objects, or NDJSON', [
      { pointer: '', detail: 'is not an event or a list of events' },
    ]);
  }

  private async business(id: string): Promise<BusinessRecord> {
    const now = Date.now();
    const hit = this.businessCache.get(id);
    if (hit && hit.until > now) return hit.business;
    const business = await this.businesses.getLive(id);
    this.businessCache.set(id, { business, until: now + BUSINESS_CACHE_MS });
    return business;
  }

  private validator(b: BusinessRecord): EventValidator {
    const key = `${b.id}@${b.schemaVersion}`;
    let v = this.validators.get(key);
    if (!v) {
      v = compileEventValidator(toBusinessSchema(b));
      this.validators.set(key, v);
    }
    return v;
  }
}

/** Parses NDJSON; blank lines are skipped, and each bad line is reported as `/<event index>` with its line number. */
export function parseNdjson(text: string): unknown[] {
  const out: unknown[] = [];
  const errors: InputErrorDetail[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const index = out.length + errors.length;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      errors.push({ pointer: `/${index}`, detail: `line ${i + 1} is not valid JSON: ${(err as Error).message}` });
      continue;
    }
    // The same bounds as a JSON body (app.factory): each line is checked as it is parsed.
    const problem = jsonProblem(value, undefined, `/${index}`);
    if (problem) errors.push({ pointer: problem.pointer, detail: `line ${i + 1}: ${problem.detail}` });
    else out.push(value);
  }
  if (errors.length > 0)
    throw new DomainError(
      'EVENTS_MALFORMED',
      `${errors.length} NDJSON line(s) are not valid JSON or hold what cannot be stored; nothing was stored. ` +
        `First: ${errors[0].pointer} ${errors[0].detail}`,
      errors.slice(0, MAX_REPORTED_ERRORS),
    );
  return out;
}
