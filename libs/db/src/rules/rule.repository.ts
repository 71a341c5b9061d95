import type { RuleDefinition } from '@anom/domain';
import type { RuleOrigin } from '@anom/contracts';
import type { Database, Tx } from '../database';
import type { Prisma } from '../generated/prisma/client';

/** A rule's head (current version) with that version's definition. */
export interface RuleRecord {
  id: string;
  businessId: string;
  name: string;
  kind: string;
  severity: string;
  enabled: boolean;
  version: number;
  origin: RuleOrigin;
  /** Managed by a provisioning folder (PROVISIONING_DIR): edits in the app are overwritten at the next start. */
  provisioned: boolean;
  createdAt: Date;
  updatedAt: Date;
  definition: RuleDefinition;
}

/**
 * Versioned rules: `rule` is the head, `rule_version` the immutable history.
 * Every change writes a new version; a published version is never updated.
 */
export class RuleRepository {
  constructor(private readonly db: Database) {}

  async create(
    input: {
      id: string;
      businessId: string;
      definition: RuleDefinition;
      origin: RuleOrigin;
      actor: string;
    },
    join?: Tx,
  ): Promise<RuleRecord> {
    const d = input.definition;
    return this.db.transaction(async (tx) => {
      await tx.prisma.rule.create({
        data: {
          id: input.id,
          businessId: input.businessId,
          name: d.name,
          kind: d.kind,
          severity: d.severity,
          enabled: d.enabled,
          origin: input.origin,
          version: 1,
        },
      });
      await tx.prisma.ruleVersion.create({
        data: { ruleId: input.id, version: 1, definition: toJson(d), createdBy: input.actor },
      });
      return (await this.findById(input.id, {}, tx))!;
    }, join);
  }

  /** Writes `definition` as the next version and moves the head to it. */
  async update(id: string, definition: RuleDefinition, actor: string, join?: Tx): Promise<RuleRecord> {
    return this.db.transaction(async (tx) => {
      const head = await tx.prisma.rule.update({
        where: { id },
        data: {
          version: { increment: 1 },
          name: definition.name,
          kind: definition.kind,
          severity: definition.severity,
          enabled: definition.enabled,
        },
      });
      await tx.prisma.ruleVersion.create({
        data: { ruleId: id, version: head.version, definition: toJson(definition), createdBy: actor },
      });
      return (await this.findById(id, {}, tx))!;
    }, join);
  }

  async findById(id: string, opts: { includeDeleted?: boolean } = {}, tx?: Tx): Promise<RuleRecord | null> {
    const q = tx?.prisma ?? this.db.prisma;
    const row = await q.rule.findFirst({
      where: { id, ...(opts.includeDeleted ? {} : { deletedAt: null }) },
    });
    if (!row) return null;
    const v = await q.ruleVersion.findUnique({
      where: { ruleId_version: { ruleId: id, version: row.version } },
    });
    return toRecord(row, v!.definition);
  }

  /** The definition of version `version` of rule `ruleId` (deleted rules included); null when there is none. */
  async definitionAt(ruleId: string, version: number): Promise<RuleDefinition | null> {
    const v = await this.db.prisma.ruleVersion.findUnique({ where: { ruleId_version: { ruleId, version } } });
    return v ? (v.definition as unknown as RuleDefinition) : null;
  }

  async findByName(businessId: string, name: string): Promise<RuleRecord | null> {
    const row = await this.db.prisma.rule.findFirst({
      where: { businessId, name, deletedAt: null },
      select: { id: true },
    });
    return row ? this.findById(row.id) : null;
  }

  async listByBusiness(businessId: string): Promise<RuleRecord[]> {
    const rows = await this.db.pool.query(
      `SELECT r.*, v.definition FROM rule r JOIN rule_version v ON v.rule_id = r.id AND v.version = r.version
       WHERE r.business_id = $1 AND r.deleted_at IS NULL ORDER BY r.created_at, r.id`,
      [businessId],
    );
    return rows.rows.map(fromSql);
  }

  /** Enabled, live rules of a business at their current version: what the worker evaluates. */
  async listActive(businessId: string): Promise<RuleRecord[]> {
    return (await this.listByBusiness(businessId)).filter((r) => r.enabled);
  }

  /** Ids of the live businesses with an enabled, live rule of `kind`. */
  async businessesWithLiveRulesOf(kind: RuleRecord['kind']): Promise<string[]> {
    const rows = await this.db.prisma.rule.findMany({
      where: { kind, enabled: true, deletedAt: null, business: { archivedAt: null } },
      select: { businessId: true },
      distinct: ['businessId'],
      orderBy: { businessId: 'asc' },
    });
    return rows.map((r) => r.businessId);
  }

  async softDelete(id: string, at: Date, tx?: Tx): Promise<void> {
    await (tx?.prisma ?? this.db.prisma).rule.update({ where: { id }, data: { deletedAt: at, enabled: false } });
  }
}

function toJson(d: RuleDefinition): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(d)) as Prisma.InputJsonValue;
}

function toRecord(
  row: {
    id: string;
    businessId: string;
    name: string;
    kind: string;
    severity: string;
    enabled: boolean;
    version: number;
    origin: string;
    provisioned?: boolean;
    createdAt: Date;
    updatedAt: Date;
  },
  definition: unknown,
): RuleRecord {
  return {
    id: row.id,
    businessId: row.businessId,
    name: row.name,
    kind: row.kind,
    severity: row.severity,
    enabled: row.enabled,
    version: row.version,
    origin: row.origin as RuleOrigin,
    provisioned: row.provisioned ?? false,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    definition: definition as RuleDefinition,
  };
}

function fromSql(r: Record<string, unknown>): RuleRecord {
  return toRecord(
    {
      id: r.id as string,
      businessId: r.business_id as string,
      name: r.name as string,
      kind: r.kind as string,
      severity: r.severity as string,
      enabled: r.enabled as boolean,
      version: r.version as number,
      origin: r.origin as string,
      provisioned: (r.provisioned as boolean | undefined) ?? false,
      createdAt: r.created_at as Date,
      updatedAt: r.updated_at as Date,
    },
    r.definition,
  );
}
