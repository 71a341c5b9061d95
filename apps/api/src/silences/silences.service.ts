import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, parseDuration } from '@anom/domain';
import type { InputErrorDetail } from '@anom/contracts';
import {
  AuditRepository,
  Database,
  RuleRepository,
  SilenceRepository,
  type SilenceRecord,
  type SilenceState,
} from '@anom/db';
import { BusinessesService } from '../business-def/businesses.service';
import type { CreateSilenceDto } from './dto/silence.dto';

/** The longest a silence may last (ms): a year; a mute meant for good is a disabled rule or channel. */
export const MAX_SILENCE_MS = 366 * 86_400_000;
/** Fields a silence's group key may name. */
const MAX_GROUP_KEY_FIELDS = 10;

/**
 * Silences of a business: windows in which the notifications of matching
 * alerts are muted (Alertmanager's silences, scoped to one business). The
 * alerts are still raised and shown; SilenceRepository has the matching.
 */
@Injectable()
export class SilencesService {
  constructor(
    private readonly silences: SilenceRepository,
    private readonly rules: RuleRepository,
    private readonly businesses: BusinessesService,
    private readonly audit: AuditRepository,
    private readonly db: Database,
  ) {}

  /**
   * Creates a silence from now (or `startsAt`) until `endsAt` or for
   * `duration`. Throws SILENCE_INVALID naming each bad key: both or neither
   * of endsAt/duration, an end not after the start or already past, longer
   * than MAX_SILENCE_MS, a rule of another business or deleted, a group key
   * naming a field the schema lacks or holding a non-scalar value.
   */
  async create(
    businessId: string,
    dto: CreateSilenceDto,
    actor: string,
    now = new Date(),
    id: string = randomUUID(),
  ): Promise<SilenceRecord> {
    const business = await this.businesses.getLive(businessId);
    const errors: InputErrorDetail[] = [];
    const startsAt = dto.startsAt ? new Date(dto.startsAt) : now;
    let endsAt: Date | null = null;
    if ((dto.endsAt === undefined) === (dto.duration === undefined)) {
      errors.push({
        pointer: dto.endsAt === undefined ? '/endsAt' : '/duration',
        detail: 'give either endsAt or duration, not both or neither',
      });
    } else if (dto.duration !== undefined) {
      const ms = parseDuration(dto.duration);
      if (ms === null || ms <= 0)
        errors.push({ pointer: '/duration', detail: 'must be a positive number and one unit: 30s, 15m, 2h, 1d, 1w' });
      else endsAt = new Date(startsAt.getTime() + ms);
    } else {
      endsAt = new Date(dto.endsAt!);
    }
    if (endsAt) {
      const at = dto.endsAt !== undefined ? '/endsAt' : '/duration';
      if (endsAt <= startsAt) errors.push({ pointer: at, detail: 'the silence must end after it starts' });
      else if (endsAt <= now) errors.push({ pointer: at, detail: 'the silence would already have ended' });
      else if (endsAt.getTime() - startsAt.getTime() > MAX_SILENCE_MS)
        errors.push({
          pointer: at,
          detail: 'a silence lasts a year at most (disable the rule or the channel instead)',
        });
    }
    if (dto.ruleId !== undefined) {
      const rule = await this.rules.findById(dto.ruleId);
      if (!rule || rule.businessId !== businessId)
        errors.push({ pointer: '/ruleId', detail: `no rule '${dto.ruleId}' in business '${businessId}'` });
    }
    const groupKey: SilenceRecord['groupKey'] = {};
    const fields = new Set(business.fields.map((f) => f.name));
    const entries = Object.entries(dto.groupKey ?? {});
    if (entries.length > MAX_GROUP_KEY_FIELDS)
      errors.push({ pointer: '/groupKey', detail: `at most ${MAX_GROUP_KEY_FIELDS} fields` });
    for (const [field, value] of entries) {
      const pointer = `/groupKey/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!fields.has(field)) errors.push({ pointer, detail: `'${field}' is not a field of business '${businessId}'` });
      else if (
        typeof value === 'string' ||
        typeof value === 'boolean' ||
        (typeof value === 'number' && Number.isFinite(value))
      )
        groupKey[field] = value;
      else errors.push({ pointer, detail: 'must be a string, number or boolean (a group key value)' });
    }
    if (errors.length > 0) throw new DomainError('SILENCE_INVALID', 'invalid silence', errors);
    const input = { id, businessId, ruleId: dto.ruleId ?? null, groupKey, startsAt, endsAt: endsAt! };
    return this.db.transaction(async (tx) => {
      const silence = await this.silences.create({ ...input, comment: dto.comment, createdBy: actor }, now, tx);
      const entry = { actor, action: 'create', entityType: 'silence' as const, entityId: silence.id, after: silence };
      await this.audit.record(entry, tx);
      return silence;
    });
  }

  /** A business's silences in `states` (default: in force and upcoming). */
  async list(
    businessId: string,
    states: SilenceState[] = ['active', 'pending'],
  ): Promise<{ items: SilenceRecord[]; nextCursor: null }> {
    await this.businesses.get(businessId);
    return { items: await this.silences.list(businessId, states, new Date()), nextCursor: null };
  }

  async get(id: string): Promise<SilenceRecord> {
    const s = await this.silences.find(id, new Date());
    if (!s) throw new DomainError('SILENCE_NOT_FOUND', `no silence '${id}'`);
    return s;
  }

  /** Ends a silence now; one already ended is returned as it is. */
  async expire(id: string, actor: string): Promise<SilenceRecord> {
    const before = await this.get(id);
    if (before.state === 'expired') return before;
    return this.db.transaction(async (tx) => {
      const after = (await this.silences.expire(id, new Date(), tx))!;
      await this.audit.record({ actor, action: 'expire', entityType: 'silence', entityId: id, before, after }, tx);
      return after;
    });
  }
}
