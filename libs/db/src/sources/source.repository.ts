import type { Database, Tx } from '../database';

export interface SourceRecord {
  id: string;
  businessId: string;
  name: string;
  /** First characters of the token, to recognise it in a list; never enough to use it. */
  tokenPrefix: string;
  createdAt: Date;
  lastSeenAt: Date | null;
  revokedAt: Date | null;
}

/** Ingest credentials. Only a SHA-256 hash of each token is stored. */
export class SourceRepository {
  constructor(private readonly db: Database) {}

  async create(
    input: {
      id: string;
      businessId: string;
      name: string;
      tokenHash: string;
      tokenPrefix: string;
    },
    tx?: Tx,
  ): Promise<SourceRecord> {
    return (tx?.prisma ?? this.db.prisma).source.create({ data: input, omit: { tokenHash: true } });
  }

  async listByBusiness(businessId: string): Promise<SourceRecord[]> {
    return this.db.prisma.source.findMany({
      where: { businessId },
      orderBy: { createdAt: 'asc' },
      omit: { tokenHash: true },
    });
  }

  /** The live source owning a token hash, if any. */
  async findByTokenHash(tokenHash: string): Promise<SourceRecord | null> {
    return this.db.prisma.source.findFirst({ where: { tokenHash, revokedAt: null }, omit: { tokenHash: true } });
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.db.prisma.source.updateMany({
      where: { id, OR: [{ lastSeenAt: null }, { lastSeenAt: { lt: at } }] },
      data: { lastSeenAt: at },
    });
  }

  async revoke(businessId: string, id: string, at: Date, tx?: Tx): Promise<SourceRecord | null> {
    const r = await (tx?.prisma ?? this.db.prisma).source.updateManyAndReturn({
      where: { id, businessId, revokedAt: null },
      data: { revokedAt: at },
      omit: { tokenHash: true },
    });
    return r[0] ?? null;
  }
}
