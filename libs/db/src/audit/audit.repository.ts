import type { Database, Tx } from '../database';
import type { Prisma } from '../generated/prisma/client';

/** What an audit row is about. */
export type AuditEntityType =
  | 'business'
  | 'field'
  | 'source'
  | 'rule'
  | 'alert'
  | 'channel'
  | 'suggestion'
  | 'view'
  | 'silence'
  | 'user'
  | 'api_key';

/**
 * One stored audit row. `actor` is `user:<email>`, `key:<name>`, `source:<name>`,
 * `bootstrap`, `oidc:<issuer>` or `system`.
 */
export interface AuditRow {
  id: number;
  at: Date;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

/** Filters of `AuditRepository.search`; every one optional, combined with AND. */
export interface AuditQuery {
  /** Exact actor, or a prefix ending in `*` (`user:*`). */
  actor?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  from?: Date;
  to?: Date;
  /** Rows with an id below this one (newest first paging). */
  beforeId?: number;
  limit: number;
}

export interface AuditEntry {
  actor: string;
  action: string;
  entityType: AuditEntityType;
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

  /** Audit rows matching `q`, newest first (the audit log API). */
  async search(q: AuditQuery): Promise<AuditRow[]> {
    const actor =
      q.actor === undefined ? undefined : q.actor.endsWith('*') ? { startsWith: q.actor.slice(0, -1) } : q.actor;
    const rows = await this.db.prisma.auditLog.findMany({
      where: {
        actor,
        action: q.action,
        entityType: q.entityType,
        entityId: q.entityId,
        at: q.from || q.to ? { gte: q.from, lt: q.to } : undefined,
        id: q.beforeId !== undefined ? { lt: q.beforeId } : undefined,
      },
      orderBy: { id: 'desc' },
      take: q.limit,
    });
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
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
