import { timingSafeEqual } from 'node:crypto';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '@anom/domain';
import { AuthService, CSRF_HEADER } from '../../auth/auth.service';
import { PERMISSION_KEY, type RoutePolicy } from '../../auth/permission.decorator';
import type { Principal } from '../../auth/principal';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authentication and authorisation of every route, in one place:
 * 1. the route's policy (`@Allow`); a route without one is refused (403) —
 *    fail closed, and the role-matrix test names it;
 * 2. who is calling (AuthService.authenticate: 401 without a valid credential);
 * 3. whether their role or scopes grant the permission (403), and for
 *    `ingest`, whether the grant reaches the `:businessId` of the path;
 * 4. for a session (cookie) on a method that changes something, the CSRF
 *    synchronizer token in X-CSRF-Token (OWASP CSRF Prevention Cheat Sheet);
 *    Bearer credentials are not sent by browsers on their own, so they need none.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const policy = this.reflector.getAllAndOverride<RoutePolicy | undefined>(PERMISSION_KEY, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (policy === 'public') return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    if (!policy) throw new DomainError('FORBIDDEN', 'this route has no access policy, so nobody may call it');
    const principal = await this.auth.authenticate(req);
    req.principal = principal;
    authorize(principal, policy, (req.params as Record<string, string> | undefined)?.businessId);
    if (principal.kind === 'user' && !SAFE_METHODS.has(req.method)) checkCsrf(req, principal.csrfToken ?? '');
    return true;
  }
}

/** Throws FORBIDDEN unless `principal` holds `permission` (for `ingest`, on `businessId`). */
export function authorize(principal: Principal, permission: Exclude<RoutePolicy, 'public'>, businessId?: string): void {
  if (!principal.permissions.has(permission)) {
    const who = principal.role
      ? `role '${principal.role}'`
      : principal.kind === 'source'
        ? 'a source token'
        : 'this key';
    throw new DomainError(
      'FORBIDDEN',
      principal.kind === 'source'
        ? 'a source token may only ingest events of its business'
        : `${who} does not grant '${permission}'`,
    );
  }
  const reach = principal.ingestBusinesses;
  if (permission === 'ingest' && reach && !reach.includes(businessId ?? ''))
    throw new DomainError(
      'FORBIDDEN',
      `this credential may ingest into ${reach.map((b) => `'${b}'`).join(', ')}, not '${businessId}'`,
    );
}

function checkCsrf(req: FastifyRequest, expected: string): void {
  const sent = req.headers[CSRF_HEADER];
  const got = Buffer.from(typeof sent === 'string' ? sent : '');
  const want = Buffer.from(expected);
  if (got.length !== want.length || !timingSafeEqual(got, want))
    throw new DomainError('FORBIDDEN', `send the session's CSRF token in the ${CSRF_HEADER} header`);
}
