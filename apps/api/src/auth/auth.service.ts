import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { ROLE_PERMISSIONS, scopeGrants, type Role } from '@anom/contracts';
import { DomainError } from '@anom/domain';
import {
  ApiKeyRepository,
  AuditRepository,
  Database,
  SessionRepository,
  UserRepository,
  type ApiKeyRecord,
  type UserRecord,
} from '@anom/db';
import type { ApiConfig } from '../config/api.config';
import { REDIS } from '../infra/infra.module';
import { API_CONFIG } from '../infra/tokens';
import { dummyHash, verifyPassword } from './passwords';
import type { Principal } from './principal';

/** Name of the session cookie (HttpOnly, SameSite=Lax, Secure in production). */
export const SESSION_COOKIE = 'anom_session';
/** Header carrying the session's CSRF token on requests that change something. */
export const CSRF_HEADER = 'x-csrf-token';
/** Prefix of API key tokens, so a leaked one is recognisable (secret scanners) and routed without a source lookup. */
export const API_KEY_PREFIX = 'anomk_';

/** SHA-256 hex of a token or session id: what the database stores. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The prefix of source tokens (ingest keys made on a business's sources tab). */
export const SOURCE_TOKEN_PREFIX = 'anom_';

/**
 * A new bearer token: `prefix` and 32 random bytes in base64url (256 bits, so
 * a plain SHA-256 lookup is safe without a slow KDF), with what is stored (its
 * SHA-256 hex) and what lists show (its first `shown` characters). Used for
 * API keys and source tokens alike.
 */
export function issueToken(prefix: string, shown: number): { token: string; tokenHash: string; tokenPrefix: string } {
  const token = `${prefix}${randomBytes(32).toString('base64url')}`;
  return { token, tokenHash: hashToken(token), tokenPrefix: token.slice(0, shown) };
}

const CACHE_MS = 10_000;
const TOUCH_EVERY_MS = 10_000;
const ADMIN_COUNT_MS = 10_000;

/**
 * Establishes who is calling (the guard's authentication step) and runs
 * password sign-in. Every failed credential (bad token, wrong password)
 * counts against the client IP; past `authFailuresPerMinute` that IP gets
 * 429 with Retry-After before any lookup (rate-limiter-flexible on Redis, so
 * replicas share the count). Accounts lock with exponential back-off after
 * `signInLockAfter` wrong passwords (UserRepository.recordFailedSignIn).
 */
@Injectable()
export class AuthService {
  private readonly bootstrapDigest: Buffer;
  private readonly failures: RateLimiterRedis | null;
  private readonly keys = new Map<string, { key: ApiKeyRecord | null; until: number }>();
  private readonly touched = new Map<string, number>();
  private adminCount: { n: number; until: number } | null = null;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(REDIS) redis: Redis,
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly apiKeys: ApiKeyRepository,
    private readonly audit: AuditRepository,
    private readonly db: Database,
    private readonly logger: PinoLogger,
  ) {
    this.bootstrapDigest = createHash('sha256').update(config.adminToken).digest();
    this.failures =
      config.authFailuresPerMinute > 0
        ? new RateLimiterRedis({
            storeClient: redis,
            keyPrefix: `${config.queuePrefix}:authfail`,
            points: config.authFailuresPerMinute,
            duration: 60,
          })
        : null;
  }

  /**
   * The caller of `req`: a Bearer token (bootstrap token, API key or source
   * token) or the session cookie. Throws UNAUTHENTICATED (401) without a
   * valid credential and RATE_LIMITED (429) when the client IP has failed
   * too often.
   */
  async authenticate(req: FastifyRequest): Promise<Principal> {
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (token) return this.fromToken(token, req.ip);
    const sid = req.cookies?.[SESSION_COOKIE];
    if (sid) return this.fromSession(sid, req.ip);
    throw new DomainError(
      'UNAUTHENTICATED',
      'sign in, or send Authorization: Bearer <API key> (a source token for ingest)',
    );
  }

  /**
   * Password sign-in. Returns the user and a new session (cookie value and
   * CSRF token). Wrong email and wrong password answer alike (401, same
   * time); a locked account answers 429 with Retry-After.
   */
  async signIn(
    email: string,
    password: string,
    ip: string,
  ): Promise<{ user: UserRecord; sessionId: string; csrfToken: string; expiresAt: Date }> {
    await this.checkIpAllowed(ip);
    const normalised = email.trim().toLowerCase();
    const found = await this.users.findCredentials(normalised);
    const now = new Date();
    const wrong = () => new DomainError('UNAUTHENTICATED', 'the email or the password is wrong');
    if (!found || !found.passwordHash || found.user.disabledAt) {
      await verifyPassword(await dummyHash(), password);
      await this.recordFailure(ip);
      throw wrong();
    }
    const { user, passwordHash } = found;
    if (user.lockedUntil && user.lockedUntil > now) throw locked(user.lockedUntil, now);
    if (!(await verifyPassword(passwordHash, password))) {
      await this.recordFailure(ip);
      const policy = {
        lockAfter: this.config.signInLockAfter,
        lockMs: this.config.signInLockMs,
        maxLockMs: this.config.signInMaxLockMs,
      };
      const until = await this.db.transaction(async (tx) => {
        const lock = await this.users.recordFailedSignIn(user.id, now, policy, tx);
        const entry = { actor: 'anonymous', action: 'sign-in-failed', entityType: 'user' as const, entityId: user.id };
        await this.audit.record({ ...entry, after: { ip, lockedUntil: lock } }, tx);
        return lock;
      });
      if (until) throw locked(until, now);
      throw wrong();
    }
    await this.users.recordSignIn(user.id, now);
    return { user, ...(await this.startSession(user, 'password')) };
  }

  /** Opens a session for `user` (after a password or OIDC sign-in) and records the sign-in. */
  async startSession(
    user: UserRecord,
    method: 'password' | 'oidc',
  ): Promise<{ sessionId: string; csrfToken: string; expiresAt: Date }> {
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.sessionIdleMs);
    await this.db.transaction(async (tx) => {
      await this.sessions.create({ idHash: hashToken(sessionId), userId: user.id, csrfToken, expiresAt }, tx);
      const entry = { actor: `user:${user.email}`, action: 'sign-in', entityType: 'user' as const, entityId: user.id };
      await this.audit.record({ ...entry, after: { method } }, tx);
    });
    return { sessionId, csrfToken, expiresAt };
  }

  async signOut(sessionId: string): Promise<void> {
    await this.sessions.remove(hashToken(sessionId));
  }

  /** Forgets the cached count of admins (a user was created or changed). */
  forgetAdminCount(): void {
    this.adminCount = null;
  }

  /** Forgets a cached API key lookup at once (revoked through this process). */
  evictKey(id: string): void {
    for (const [hash, e] of this.keys) if (e.key?.id === id) this.keys.delete(hash);
  }

  /** A principal's grants: a user's role, or a key's scopes. */
  static grantsOf(role: Role): Principal['permissions'] {
    return new Set(ROLE_PERMISSIONS[role]);
  }

  private async fromToken(token: string, ip: string): Promise<Principal> {
    await this.checkIpAllowed(ip);
    if (timingSafeEqual(createHash('sha256').update(token).digest(), this.bootstrapDigest)) {
      if (this.config.nodeEnv === 'production' && (await this.activeAdmins()) > 0)
        throw new DomainError(
          'UNAUTHENTICATED',
          'ANOM_ADMIN_TOKEN only bootstraps the first admin; an admin user exists, so sign in or use an API key',
        );
      return {
        kind: 'bootstrap',
        actor: 'bootstrap',
        permissions: AuthService.grantsOf('admin'),
        ingestBusinesses: null,
      };
    }
    // API keys and sources (ingest keys of one business) share one table and one lookup.
    const key = await this.lookupKey(token);
    const now = new Date();
    if (!key)
      return this.fail(ip, token.startsWith(API_KEY_PREFIX) ? 'the API key is not valid' : 'the token is not valid');
    const what = key.businessId ? `source '${key.name}'` : `API key '${key.name}'`;
    if (key.revokedAt) return this.fail(ip, `${what} was revoked`);
    if (key.expiresAt && key.expiresAt <= now)
      return this.fail(ip, `${what} expired at ${key.expiresAt.toISOString()}`);
    this.touch(key.id, () => this.apiKeys.touch(key.id, now));
    const { permissions, ingestBusinesses } = scopeGrants(key.scopes);
    return {
      kind: key.businessId ? 'source' : 'key',
      actor: key.businessId ? `source:${key.name}` : `key:${key.name}`,
      permissions: new Set(permissions),
      ingestBusinesses,
      key,
    };
  }

  private async fromSession(sid: string, ip: string): Promise<Principal> {
    const idHash = hashToken(sid);
    const now = new Date();
    const s = await this.sessions.findLive(idHash, now);
    if (!s) {
      await this.checkIpAllowed(ip);
      return this.fail(ip, 'your session ended; sign in again');
    }
    // Sliding idle time-out, written at most once a minute per session.
    if (s.expiresAt.getTime() - now.getTime() < this.config.sessionIdleMs - 60_000)
      await this.sessions.touch(idHash, now, new Date(now.getTime() + this.config.sessionIdleMs));
    return {
      kind: 'user',
      actor: `user:${s.user.email}`,
      permissions: AuthService.grantsOf(s.user.role),
      ingestBusinesses: null,
      role: s.user.role,
      user: s.user,
      csrfToken: s.csrfToken,
    };
  }

  private async lookupKey(token: string): Promise<ApiKeyRecord | null> {
    const hash = hashToken(token);
    const now = Date.now();
    const hit = this.keys.get(hash);
    if (hit && hit.until > now) return hit.key;
    const key = await this.apiKeys.findByTokenHash(hash);
    if (this.keys.size > 10_000) this.keys.clear();
    this.keys.set(hash, { key, until: now + CACHE_MS });
    return key;
  }

  private touch(id: string, write: () => Promise<void>): void {
    const now = Date.now();
    if ((this.touched.get(id) ?? 0) + TOUCH_EVERY_MS > now) return;
    if (this.touched.size > 10_000) this.touched.clear();
    this.touched.set(id, now);
    // Best effort: a failed last-used write must not fail the request.
    write().catch(() => undefined);
  }

  private async activeAdmins(): Promise<number> {
    const now = Date.now();
    if (!this.adminCount || this.adminCount.until < now)
      this.adminCount = { n: await this.users.countActiveAdmins(), until: now + ADMIN_COUNT_MS };
    return this.adminCount.n;
  }

  private async fail(ip: string, reason: string): Promise<never> {
    await this.recordFailure(ip);
    throw new DomainError('UNAUTHENTICATED', reason);
  }

  /** 429 when `ip` has used up its failed attempts this minute. Redis trouble lets the request through. */
  private async checkIpAllowed(ip: string): Promise<void> {
    if (!this.failures) return;
    const r = await this.failures.get(ip).catch(() => null);
    if (r && r.consumedPoints >= this.config.authFailuresPerMinute) {
      const retry = Math.max(1, Math.ceil(r.msBeforeNext / 1000));
      throw new DomainError(
        'RATE_LIMITED',
        `too many failed credentials from this address; try again in ${retry} s`,
        [],
        { 'retry-after': String(retry) },
      );
    }
  }

  private async recordFailure(ip: string): Promise<void> {
    if (!this.failures) return;
    await this.failures.consume(ip).catch((err: unknown) => {
      if (err instanceof Error) this.logger.warn({ err }, 'auth failure counter unavailable');
    });
  }
}

function locked(until: Date, now: Date): DomainError {
  const retry = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return new DomainError('RATE_LIMITED', `too many wrong passwords: this account is locked for ${retry} s`, [], {
    'retry-after': String(retry),
  });
}
