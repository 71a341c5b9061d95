import type { Database, Tx } from '../database';

/** An API key as stored, without its hash. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  /** First characters of the token, to recognise it in a list; never enough to use it. */
  tokenPrefix: string;
  scopes: string[];
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdBy: string;
  createdAt: Date;
  /** Set on a business's source (an ingest key managed with the business, `POST /businesses/:id/sources`). */
  businessId: string | null;
}

const omitHash = { tokenHash: true } as const;

/**
 * API keys for automation and the businesses' sources (api_key). Only a
 * SHA-256 of each 256-bit token is stored.
 */
export class ApiKeyRepository {
  constructor(private readonly db: Database) {}

  async create(
    input: {
      id: string;
      name: string;
      tokenHash: string;
      tokenPrefix: string;
      scopes: string[];
      expiresAt: Date | null;
      createdBy: string;
    },
    tx?: Tx,
  ): Promise<ApiKeyRecord> {
    return (tx?.prisma ?? this.db.prisma).apiKey.create({ data: input, omit: omitHash });
  }

  async list(): Promise<ApiKeyRecord[]> {
    return this.db.prisma.apiKey.findMany({ orderBy: { createdAt: 'asc' }, omit: omitHash });
  }

  async find(id: string): Promise<ApiKeyRecord | null> {
    return this.db.prisma.apiKey.findUnique({ where: { id }, omit: omitHash });
  }

  /** The key owning a token hash, revoked or expired ones included (the caller decides and says why). */
  async findByTokenHash(tokenHash: string): Promise<ApiKeyRecord | null> {
    return this.db.prisma.apiKey.findUnique({ where: { tokenHash }, omit: omitHash });
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.db.prisma.apiKey.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: at } }] },
      data: { lastUsedAt: at },
    });
  }

  async revoke(id: string, at: Date, tx?: Tx): Promise<ApiKeyRecord | null> {
    const r = await (tx?.prisma ?? this.db.prisma).apiKey.updateManyAndReturn({
      where: { id, revokedAt: null },
      data: { revokedAt: at },
      omit: omitHash,
    });
    return r[0] ?? null;
  }
}
