import type { BusinessSchema, FieldDefinition } from '@anom/domain';
import type { FieldType } from '@anom/contracts';
import type { Database, Tx } from '../database';
import type { Prisma } from '../generated/prisma/client';

/** A business with its fields, as the repository returns it. */
export interface BusinessRecord {
  id: string;
  name: string;
  description: string;
  timezone: string;
  timestampField: string | null;
  entityKeyFields: string[];
  retentionDays: number;
  /** Days after which a chunk holding this business's events is compressed (TimescaleDB); null: never. */
  compressAfterDays: number | null;
  /** Events are written to the archive (ARCHIVE_URL) before retention deletes them. */
  archive: boolean;
  /** Managed by a provisioning folder (PROVISIONING_DIR). */
  provisioned: boolean;
  schemaVersion: number;
  archivedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  fields: FieldDefinition[];
}

export type BusinessCreate = Omit<
  BusinessRecord,
  'schemaVersion' | 'archivedAt' | 'createdAt' | 'updatedAt' | 'compressAfterDays' | 'archive' | 'provisioned'
> &
  Partial<Pick<BusinessRecord, 'compressAfterDays' | 'archive'>>;

/** How a business's events are stored over time (see BusinessRepository.retentionPolicies). */
export interface StoragePolicy {
  id: string;
  retentionDays: number;
  compressAfterDays: number | null;
  archive: boolean;
}

export type BusinessPatch = Partial<
  Pick<BusinessRecord, 'name' | 'description' | 'timezone' | 'retentionDays' | 'compressAfterDays' | 'archive'>
>;
export type SchemaPatch = Pick<BusinessRecord, 'fields' | 'timestampField' | 'entityKeyFields'>;

type BusinessRow = Prisma.BusinessGetPayload<{ include: { fields: true } }>;

/** Storage of businesses and their fields. No business rules here: callers validate. */
export class BusinessRepository {
  constructor(private readonly db: Database) {}

  async create(input: BusinessCreate, tx?: Tx): Promise<BusinessRecord> {
    const row = await (tx?.prisma ?? this.db.prisma).business.create({
      data: {
        id: input.id,
        name: input.name,
        description: input.description,
        timezone: input.timezone,
        timestampField: input.timestampField,
        entityKeyFields: input.entityKeyFields,
        retentionDays: input.retentionDays,
        ...(input.compressAfterDays !== undefined ? { compressAfterDays: input.compressAfterDays } : {}),
        ...(input.archive !== undefined ? { archive: input.archive } : {}),
        fields: { create: input.fields.map(fieldData) },
      },
      include: { fields: { orderBy: { position: 'asc' } } },
    });
    return toRecord(row);
  }

  async findById(id: string, tx?: Tx): Promise<BusinessRecord | null> {
    const row = await (tx?.prisma ?? this.db.prisma).business.findUnique({
      where: { id },
      include: { fields: { orderBy: { position: 'asc' } } },
    });
    return row ? toRecord(row) : null;
  }

  /** Businesses ordered by id; `after` is the last id of the previous page. */
  async list(opts: { includeArchived: boolean; limit: number; after?: string }): Promise<BusinessRecord[]> {
    const rows = await this.db.prisma.business.findMany({
      where: {
        ...(opts.includeArchived ? {} : { archivedAt: null }),
        ...(opts.after ? { id: { gt: opts.after } } : {}),
      },
      include: { fields: { orderBy: { position: 'asc' } } },
      orderBy: { id: 'asc' },
      take: opts.limit,
    });
    return rows.map(toRecord);
  }

  /** Every live (not archived) business, ordered by id, read in pages of 200. */
  async listLive(): Promise<BusinessRecord[]> {
    const out: BusinessRecord[] = [];
    for (let after: string | undefined; ;) {
      const page = await this.list({ includeArchived: false, limit: 200, after });
      out.push(...page);
      if (page.length < 200) return out;
      after = page[page.length - 1].id;
    }
  }

  /**
   * Every business (archived ones too: their events still expire) with its
   * storage policy: retention in days, compression age in days (null: never)
   * and whether events are archived before retention deletes them.
   */
  async retentionPolicies(): Promise<StoragePolicy[]> {
    return this.db.prisma.business.findMany({
      select: { id: true, retentionDays: true, compressAfterDays: true, archive: true },
      orderBy: { id: 'asc' },
    });
  }

  async update(id: string, patch: BusinessPatch, tx?: Tx): Promise<BusinessRecord> {
    const row = await (tx?.prisma ?? this.db.prisma).business.update({
      where: { id },
      data: patch,
      include: { fields: { orderBy: { position: 'asc' } } },
    });
    return toRecord(row);
  }

  /** Replaces the schema (fields, event-time field, entity keys) and bumps the schema version, atomically. */
  async replaceSchema(id: string, schema: SchemaPatch, join?: Tx): Promise<BusinessRecord> {
    const row = await this.db.transaction(async ({ prisma: tx }) => {
      await tx.field.deleteMany({ where: { businessId: id } });
      await tx.field.createMany({ data: schema.fields.map((f, i) => ({ ...fieldData(f, i), businessId: id })) });
      return tx.business.update({
        where: { id },
        data: {
          timestampField: schema.timestampField,
          entityKeyFields: schema.entityKeyFields,
          schemaVersion: { increment: 1 },
        },
        include: { fields: { orderBy: { position: 'asc' } } },
      });
    }, join);
    return toRecord(row);
  }

  async archive(id: string, at: Date, tx?: Tx): Promise<BusinessRecord> {
    const row = await (tx?.prisma ?? this.db.prisma).business.update({
      where: { id },
      data: { archivedAt: at },
      include: { fields: { orderBy: { position: 'asc' } } },
    });
    return toRecord(row);
  }
}

/** The part of a business the engine needs (domain `BusinessSchema`). */
export function toBusinessSchema(b: BusinessRecord): BusinessSchema {
  return {
    id: b.id,
    timezone: b.timezone,
    timestampField: b.timestampField,
    entityKeyFields: b.entityKeyFields,
    fields: b.fields,
    schemaVersion: b.schemaVersion,
  };
}

function fieldData(f: FieldDefinition, position: number) {
  return {
    name: f.name,
    type: f.type,
    required: f.required ?? false,
    unit: f.unit ?? null,
    enumValues: f.enum ?? [],
    min: f.min ?? null,
    max: f.max ?? null,
    description: f.description ?? null,
    loinc: f.loinc ?? null,
    ucum: f.ucum ?? null,
    position,
  };
}

function toRecord(row: BusinessRow): BusinessRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    timezone: row.timezone,
    timestampField: row.timestampField,
    entityKeyFields: row.entityKeyFields,
    retentionDays: row.retentionDays,
    compressAfterDays: row.compressAfterDays,
    archive: row.archive,
    provisioned: row.provisioned,
    schemaVersion: row.schemaVersion,
    archivedAt: row.archivedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    fields: row.fields.map((f) => {
      const def: FieldDefinition = { name: f.name, type: f.type as FieldType, required: f.required };
      if (f.unit != null) def.unit = f.unit;
      if (f.enumValues.length > 0) def.enum = f.enumValues;
      if (f.min != null) def.min = f.min;
      if (f.max != null) def.max = f.max;
      if (f.description != null) def.description = f.description;
      if (f.loinc != null) def.loinc = f.loinc;
      if (f.ucum != null) def.ucum = f.ucum;
      return def;
    }),
  };
}
