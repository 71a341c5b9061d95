import type { Database, Tx } from '../database';

export interface SourceRecord {
  id: string;
  businessId: string;
  name: string;
  /** First characters of the token, to recognise it in a list; never enough to use it. */
  tokenPrefix: string;
  createdAt: Date;
  /** When the token last authenticated a request (its API key's last use). */
  lastSeenAt: Date | null;
  revokedAt: Date | null;
}

const SOURCE_COLUMNS = {
  id: true,
  businessId: true,
  name: true,
  tokenPrefix: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

type Row = {
  id: string;
  businessId: string | null;
  name: string;
  tokenPrefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

function toSource(r: Row): SourceRecord {
  return {
    id: r.id,
    businessId: r.businessId!,
    name: r.name,
    tokenPrefix: r.tokenPrefix,
    createdAt: r.createdAt,
    lastSeenAt: r.lastUsedAt,
    revokedAt: r.revokedAt,
  };
}

/**
 * A business's sources: its ingest keys (api_key rows with `business_id`
 * and the scope `ingest:<business>`), as the sources API shows them. Only a
 * SHA-256 hash of each token is stored; the token authenticates through
 * ApiKeyRepository like any key.
 */
export class SourceRepository {
  constructor(private readonly db: Database) {}

  async create(
    input: {
      id: string;
      businessId: string;
      name: string;
      tokenHash: string;
      tokenPrefix: string;
      createdBy: string;
    },
    tx?: Tx,
  ): Promise<SourceRecord> {
    const row = await (tx?.prisma ?? this.db.prisma).apiKey.create({
      data: { ...input, scopes: [`ingest:${input.businessId}`] },
      select: SOURCE_COLUMNS,
    });
    return toSource(row);
  }

  async listByBusiness(businessId: string): Promise<SourceRecord[]> {
    const rows = await this.db.prisma.apiKey.findMany({
      where: { businessId },
      orderBy: { createdAt: 'asc' },
      select: SOURCE_COLUMNS,
    });
    return rows.map(toSource);
  }

  async revoke(businessId: string, id: string, at: Date, tx?: Tx): Promise<SourceRecord | null> {
    const r = await (tx?.prisma ?? this.db.prisma).apiKey.updateManyAndReturn({
      where: { id, businessId, revokedAt: null },
      data: { revokedAt: at },
      select: SOURCE_COLUMNS,
    });
    return r[0] ? toSource(r[0]) : null;
  }
}
