import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError } from '@anom/domain';
import { AuditRepository, Database, SourceRepository, type SourceRecord } from '@anom/db';
import { BusinessesService } from '../business-def/businesses.service';
import { AuthService, SOURCE_TOKEN_PREFIX, issueToken } from '../auth/auth.service';

/**
 * A business's ingest credentials: API keys with the scope
 * `ingest:<business>`, managed with the business. The token is returned once,
 * at creation, and stored only as a hash. A revoked token is refused at once
 * by this api process and within 10 s by other replicas (AuthService's cache).
 */
@Injectable()
export class SourcesService {
  constructor(
    private readonly sources: SourceRepository,
    private readonly businesses: BusinessesService,
    private readonly audit: AuditRepository,
    private readonly auth: AuthService,
    private readonly db: Database,
  ) {}

  async create(businessId: string, name: string, actor: string): Promise<SourceRecord & { token: string }> {
    await this.businesses.getLive(businessId);
    const { token, tokenHash, tokenPrefix } = issueToken(SOURCE_TOKEN_PREFIX, 10);
    const input = { id: randomUUID(), businessId, name, tokenHash, tokenPrefix, createdBy: actor };
    return this.db.transaction(async (tx) => {
      const source = await this.sources.create(input, tx);
      const entry = { actor, action: 'create', entityType: 'source' as const, entityId: source.id, after: source };
      await this.audit.record(entry, tx);
      return { ...source, token };
    });
  }

  async list(businessId: string): Promise<{ items: SourceRecord[]; nextCursor: null }> {
    await this.businesses.get(businessId);
    return { items: await this.sources.listByBusiness(businessId), nextCursor: null };
  }

  async revoke(businessId: string, sourceId: string, actor: string): Promise<SourceRecord> {
    const revoked = await this.db.transaction(async (tx) => {
      const r = await this.sources.revoke(businessId, sourceId, new Date(), tx);
      if (!r) throw new DomainError('SOURCE_NOT_FOUND', `business '${businessId}' has no live source '${sourceId}'`);
      await this.audit.record({ actor, action: 'revoke', entityType: 'source', entityId: sourceId, after: r }, tx);
      return r;
    });
    // After the commit: a token refused here is revoked for good.
    this.auth.evictKey(sourceId);
    return revoked;
  }
}
