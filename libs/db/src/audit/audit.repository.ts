import type { Database, Tx } from '../database';
import type { Prisma } from '../generated/prisma/client';

export interface AuditEntry {
  actor: string;
  action: string;
  entityType: 'business' | 'field' | 'source' | 'rule' | 'alert' | 'channel' | 'suggestion' | 'view' | 'silence';
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** Who changed which definition, when, with the before/after images. */
export class AuditRepository {
  constructor(private readonly db: Database) {}

  /** Writes one audit row; pass the change's transaction so that both commit or neither does. */
  async record(entry: AuditEntry, tx?: Tx): Promise<void> {
    await (tx?.prisma ?? this.db.prisma).auditLog.create({
      data: {
        actor: entry.actor,
        action: entry.action,
        entityType: entry.entityType,
        entityId: entry.entityId,
        before: jsonOrNull(entry.before),
        after: jsonOrNull(entry.after),
      },
    });
  }

  async listFor(
    entityType: string,
    entityId: string,
  ): Promise<{ at: Date; actor: string; action: string; before: unknown; after: unknown }[]> {
    return this.db.prisma.auditLog.findMany({
      where: { entityType, entityId },
      orderBy: { id: 'asc' },
      select: { at: true, actor: true, action: true, before: true, after: true },
    });
  }
}

function jsonOrNull(v: unknown): Prisma.InputJsonValue | undefined {
  return v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue);
}
