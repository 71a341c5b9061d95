import { Injectable } from '@nestjs/common';
import { DomainError, checkBusinessSchema, parseRuleDefinition, type FieldDefinition } from '@anom/domain';
import {
  AuditRepository,
  BusinessRepository,
  Database,
  RuleRepository,
  type BusinessRecord,
  type SchemaPatch,
} from '@anom/db';
import { decodeCursor, toPage, type Page } from '../common/pagination';
import type {
  CreateBusinessDto,
  FieldDto,
  ListBusinessesQuery,
  UpdateBusinessDto,
  UpdateFieldDto,
} from './dto/business.dto';

/**
 * Business definitions and their schemas. Every schema change (fields,
 * event-time field, entity keys) is checked as a whole, refused if a live rule
 * would stop type-checking, and bumps the schema version.
 */
@Injectable()
export class BusinessesService {
  constructor(
    private readonly businesses: BusinessRepository,
    private readonly rules: RuleRepository,
    private readonly audit: AuditRepository,
    private readonly db: Database,
  ) {}

  async create(dto: CreateBusinessDto, actor: string): Promise<BusinessRecord> {
    const fields = dto.fields.map(toField);
    const schema = {
      fields,
      timestampField: dto.timestampField ?? null,
      entityKeyFields: dto.entityKeyFields ?? [],
      timezone: dto.timezone ?? 'UTC',
    };
    this.assertSchema(schema);
    if (await this.businesses.findById(dto.id))
      throw new DomainError(
        'BUSINESS_EXISTS',
        `a business with id '${dto.id}' exists (ids are never reused, archived ones included)`,
        [{ pointer: '/id', detail: 'is taken' }],
      );
    return this.db.transaction(async (tx) => {
      const created = await this.businesses.create(
        {
          id: dto.id,
          name: dto.name,
          description: dto.description ?? '',
          retentionDays: dto.retentionDays ?? 30,
          compressAfterDays: dto.compressAfterDays,
          archive: dto.archive,
          ...schema,
        },
        tx,
      );
      await this.audit.record(
        { actor, action: 'create', entityType: 'business', entityId: created.id, after: created },
        tx,
      );
      return created;
    });
  }

  async list(q: ListBusinessesQuery): Promise<Page<BusinessRecord>> {
    const limit = q.limit ?? 50;
    const after = q.cursor ? decodeCursor(q.cursor, (v): v is string => typeof v === 'string') : undefined;
    const rows = await this.businesses.list({ includeArchived: q.includeArchived === 'true', limit: limit + 1, after });
    return toPage(rows, limit, (b) => b.id);
  }

  /** The business, archived or not. Throws BUSINESS_NOT_FOUND. */
  async get(id: string): Promise<BusinessRecord> {
    const b = await this.businesses.findById(id);
    if (!b) throw new DomainError('BUSINESS_NOT_FOUND', `no business '${id}'`);
    return b;
  }

  /** The business if it is live. Throws BUSINESS_NOT_FOUND or BUSINESS_ARCHIVED. */
  async getLive(id: string): Promise<BusinessRecord> {
    const b = await this.get(id);
    if (b.archivedAt) throw new DomainError('BUSINESS_ARCHIVED', `business '${id}' is archived`);
    return b;
  }

  /**
   * `fields` (rules as code) replaces the whole field list too; every live rule must still be valid against it
   * (FIELD_IN_USE otherwise).
   */
  async update(id: string, dto: UpdateBusinessDto, actor: string, fields?: FieldDto[]): Promise<BusinessRecord> {
    const before = await this.getLive(id);
    const timezone = dto.timezone ?? before.timezone;
    const schemaChanged = dto.timestampField !== undefined || dto.entityKeyFields !== undefined || !!fields;
    const schema: SchemaPatch = {
      fields: fields ? fields.map(toField) : before.fields,
      timestampField: dto.timestampField !== undefined ? dto.timestampField : before.timestampField,
      entityKeyFields: dto.entityKeyFields ?? before.entityKeyFields,
    };
    this.assertSchema({ ...schema, timezone });
    if (fields) await this.assertRulesStillValid(id, schema.fields);
    // Details, schema and the audit row commit together (one transaction, not three).
    return this.db.transaction(async (tx) => {
      const patch = {
        name: dto.name,
        description: dto.description,
        timezone: dto.timezone,
        retentionDays: dto.retentionDays,
        compressAfterDays: dto.compressAfterDays,
        archive: dto.archive,
      };
      let after = await this.businesses.update(id, patch, tx);
      if (schemaChanged) after = await this.businesses.replaceSchema(id, schema, tx);
      await this.audit.record({ actor, action: 'update', entityType: 'business', entityId: id, before, after }, tx);
      return after;
    });
  }

  async archive(id: string, actor: string): Promise<BusinessRecord> {
    const before = await this.getLive(id);
    return this.db.transaction(async (tx) => {
      const after = await this.businesses.archive(id, new Date(), tx);
      await this.audit.record({ actor, action: 'archive', entityType: 'business', entityId: id, before, after }, tx);
      return after;
    });
  }

  async addField(id: string, dto: FieldDto, actor: string): Promise<BusinessRecord> {
    const b = await this.getLive(id);
    if (b.fields.some((f) => f.name === dto.name))
      throw new DomainError('FIELD_EXISTS', `business '${id}' already has a field '${dto.name}'`, [
        { pointer: '/name', detail: 'is taken' },
      ]);
    return this.changeFields(b, [...b.fields, toField(dto)], actor, 'add-field', dto.name);
  }

  async updateField(id: string, name: string, dto: UpdateFieldDto, actor: string): Promise<BusinessRecord> {
    const b = await this.getLive(id);
    const current = b.fields.find((f) => f.name === name);
    if (!current) throw new DomainError('FIELD_NOT_FOUND', `business '${id}' has no field '${name}'`);
    // null clears an attribute (min, max, unit…); leaving enum behind on a type change would be refused.
    const mergedInput = { ...current, ...dto, name } as FieldDto;
    if (dto.type !== undefined && dto.type !== 'enum' && dto.enum === undefined) delete mergedInput.enum;
    const merged = toField(mergedInput);
    return this.changeFields(
      b,
      b.fields.map((f) => (f.name === name ? merged : f)),
      actor,
      'update-field',
      name,
    );
  }

  async deleteField(id: string, name: string, actor: string): Promise<BusinessRecord> {
    const b = await this.getLive(id);
    if (!b.fields.some((f) => f.name === name))
      throw new DomainError('FIELD_NOT_FOUND', `business '${id}' has no field '${name}'`);
    if (b.timestampField === name)
      throw new DomainError('FIELD_IN_USE', `'${name}' is the event-time field; change timestampField first`);
    if (b.entityKeyFields.includes(name))
      throw new DomainError('FIELD_IN_USE', `'${name}' is an entity-key field; change entityKeyFields first`);
    return this.changeFields(
      b,
      b.fields.filter((f) => f.name !== name),
      actor,
      'delete-field',
      name,
    );
  }

  private async changeFields(
    b: BusinessRecord,
    fields: FieldDefinition[],
    actor: string,
    action: string,
    fieldName: string,
  ): Promise<BusinessRecord> {
    const schema: SchemaPatch = { fields, timestampField: b.timestampField, entityKeyFields: b.entityKeyFields };
    this.assertSchema({ ...schema, timezone: b.timezone });
    await this.assertRulesStillValid(b.id, fields);
    return this.db.transaction(async (tx) => {
      const after = await this.businesses.replaceSchema(b.id, schema, tx);
      const entry = {
        actor,
        action,
        entityType: 'field' as const,
        entityId: `${b.id}/${fieldName}`,
        before: b.fields.find((f) => f.name === fieldName),
        after: after.fields.find((f) => f.name === fieldName),
      };
      await this.audit.record(entry, tx);
      return after;
    });
  }

  /** A live rule must still type-check against a new field list: FIELD_IN_USE naming the first that would not. */
  private async assertRulesStillValid(businessId: string, fields: FieldDefinition[]): Promise<void> {
    for (const rule of await this.rules.listByBusiness(businessId)) {
      const r = parseRuleDefinition(rule.definition, fields);
      if (!r.ok) {
        throw new DomainError(
          'FIELD_IN_USE',
          `rule '${rule.name}' would no longer be valid: ${r.errors.map((e) => `${e.pointer} ${e.detail}`).join('; ')}`,
          [{ pointer: `/rules/${rule.id}`, detail: r.errors[0].detail }],
        );
      }
    }
  }

  private assertSchema(schema: Parameters<typeof checkBusinessSchema>[0]): void {
    const errors = checkBusinessSchema(schema);
    if (errors.length > 0)
      throw new DomainError(
        'BUSINESS_SCHEMA_INVALID',
        errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '),
        errors,
      );
  }
}

function toField(dto: FieldDto): FieldDefinition {
  const f: FieldDefinition = { name: dto.name, type: dto.type, required: dto.required ?? false };
  if (dto.unit != null) f.unit = dto.unit;
  if (dto.enum != null) f.enum = dto.enum;
  if (dto.min != null) f.min = dto.min;
  if (dto.max != null) f.max = dto.max;
  if (dto.description != null) f.description = dto.description;
  if (dto.loinc != null) f.loinc = dto.loinc;
  if (dto.ucum != null) f.ucum = dto.ucum;
  return f;
}
