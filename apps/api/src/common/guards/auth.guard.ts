import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '@anom/domain';
import { SourceRepository, type SourceRecord } from '@anom/db';
import { API_CONFIG } from '../../infra/tokens';
import { Inject } from '@nestjs/common';
import type { ApiConfig } from '../../config/api.config';
import { SourceTokenCache } from './source-token.cache';

/** Who is calling: the admin, or a source (ingest credential) of one business. */
export type Principal = { kind: 'admin'; actor: string } | { kind: 'source'; actor: string; source: SourceRecord };

export const PUBLIC_ROUTE = 'anom:public';
export const INGEST_ROUTE = 'anom:ingest';
/** No token needed (health, docs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
/** A source token of the business in `:businessId` is accepted besides the admin token. */
export const IngestRoute = () => SetMetadata(INGEST_ROUTE, true);

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** SHA-256 hex of a token: what `source.token_hash` stores. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const TOUCH_EVERY_MS = 10_000;

/**
 * Bearer-token authentication for every route. Admin routes need
 * ANOM_ADMIN_TOKEN; ingest routes also take a source token of their own
 * business. Missing or unknown token -> 401; a valid token used outside its
 * reach -> 403. Source lookups are cached (SourceTokenCache, 10 s), and
 * last-seen is written at most every 10 s per source, to keep the ingest path
 * to one query.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly adminDigest: Buffer;
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly reflector: Reflector,
    private readonly sources: SourceRepository,
    private readonly cache: SourceTokenCache,
    @Inject(API_CONFIG) config: ApiConfig,
  ) {
    this.adminDigest = createHash('sha256').update(config.adminToken).digest();
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token)
      throw new DomainError(
        'UNAUTHENTICATED',
        'send Authorization: Bearer <token> (the admin token, or a source token for ingest)',
      );
    if (timingSafeEqual(createHash('sha256').update(token).digest(), this.adminDigest)) {
      req.principal = { kind: 'admin', actor: 'admin' };
      return true;
    }
    const source = await this.lookup(token);
    if (!source) throw new DomainError('UNAUTHENTICATED', 'the token is not valid');
    const ingest = this.reflector.getAllAndOverride<boolean>(INGEST_ROUTE, targets);
    const businessId = (req.params as Record<string, string> | undefined)?.businessId;
    if (!ingest)
      throw new DomainError('FORBIDDEN', 'a source token may only ingest events; this route needs the admin token');
    if (businessId !== source.businessId)
      throw new DomainError(
        'FORBIDDEN',
        `this source token belongs to business '${source.businessId}', not '${businessId}'`,
      );
    req.principal = { kind: 'source', actor: `source:${source.name}`, source };
    this.touch(source);
    return true;
  }

  private async lookup(token: string): Promise<SourceRecord | null> {
    const hash = hashToken(token);
    const now = Date.now();
    const hit = this.cache.get(hash, now);
    if (hit !== undefined) return hit;
    const source = await this.sources.findByTokenHash(hash);
    this.cache.set(hash, source, now);
    return source;
  }

  private touch(source: SourceRecord): void {
    const now = Date.now();
    if ((this.touched.get(source.id) ?? 0) + TOUCH_EVERY_MS > now) return;
    this.touched.set(source.id, now);
    // Best effort: a failed last-seen write must not fail the ingest.
    this.sources.touch(source.id, new Date(now)).catch(() => undefined);
  }
}
