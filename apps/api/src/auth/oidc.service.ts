import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import * as client from 'openid-client';
import { ROLES, type Role } from '@anom/contracts';
import { DomainError } from '@anom/domain';
import { AuditRepository, Database, UserRepository, type UserRecord } from '@anom/db';
import { randomUUID } from 'node:crypto';
import type { ApiConfig, OidcConfig } from '../config/api.config';
import { REDIS } from '../infra/infra.module';
import { API_CONFIG } from '../infra/tokens';

/** Name of the short-lived cookie binding an OIDC sign-in to the browser that started it. */
export const OIDC_STATE_COOKIE = 'anom_oidc';
/** How long a started OIDC sign-in may take (seconds). */
export const OIDC_FLOW_TTL_S = 600;

interface PendingFlow {
  verifier: string;
  nonce: string;
  returnTo: string;
}

/**
 * OpenID Connect sign-in (authorization code flow with PKCE, state and
 * nonce; OpenID Connect Core 1.0 §3.1 and RFC 7636) through `openid-client`.
 * The flow's verifier and nonce wait in Redis under the random `state`,
 * which the browser also holds in an HttpOnly cookie, so a callback is only
 * accepted from the browser that started it (login CSRF).
 *
 * A person is found by the provider's (issuer, subject), else linked by a
 * verified email to an account an admin created, else created with
 * OIDC_DEFAULT_ROLE (or refused when none is set). With OIDC_ROLE_CLAIM the
 * provider's claim sets the role at every sign-in.
 */
@Injectable()
export class OidcService {
  private discovered: Promise<client.Configuration> | null = null;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly users: UserRepository,
    private readonly audit: AuditRepository,
    private readonly db: Database,
  ) {}

  /** The configured provider, or null when OIDC sign-in is off. */
  get provider(): OidcConfig | null {
    return this.config.oidc;
  }

  /** The provider's authorization URL for a new sign-in, and the state for the browser's cookie. */
  async start(returnTo: string): Promise<{ url: string; state: string }> {
    const oidc = this.required();
    const configuration = await this.configuration(oidc);
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const flow: PendingFlow = { verifier, nonce, returnTo: safeReturnTo(returnTo) };
    await this.redis.set(this.key(state), JSON.stringify(flow), 'EX', OIDC_FLOW_TTL_S);
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: oidc.redirectUrl,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state };
  }

  /**
   * Completes a sign-in from the provider's redirect (`query`: its query
   * string) for the browser holding `stateCookie`. Returns the person and
   * where the app should go next. Throws UNAUTHENTICATED when the flow is
   * unknown, expired or not this browser's, or the provider refuses the
   * code; FORBIDDEN when the person has no account and none may be created.
   */
  async finish(query: string, stateCookie: string | undefined): Promise<{ user: UserRecord; returnTo: string }> {
    const oidc = this.required();
    const params = new URLSearchParams(query);
    const state = params.get('state') ?? '';
    if (!state || state !== stateCookie)
      throw new DomainError('UNAUTHENTICATED', 'this sign-in was not started in this browser; start it again');
    const raw = await this.redis.getdel(this.key(state));
    if (!raw) throw new DomainError('UNAUTHENTICATED', 'this sign-in expired; start it again');
    const flow = JSON.parse(raw) as PendingFlow;
    const callback = new URL(oidc.redirectUrl);
    callback.search = params.toString();
    let claims: client.IDToken;
    try {
      const tokens = await client.authorizationCodeGrant(await this.configuration(oidc), callback, {
        pkceCodeVerifier: flow.verifier,
        expectedState: state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims()!;
    } catch (err) {
      throw new DomainError('UNAUTHENTICATED', `the identity provider refused the sign-in: ${(err as Error).message}`);
    }
    return { user: await this.userFor(oidc, claims), returnTo: flow.returnTo };
  }

  /**
   * The account of the person the provider vouched for (see the class doc).
   * Linking, creating and a role set by the provider each write an audit row
   * naming the provider (`oidc:<issuer>`) in the same transaction.
   */
  private async userFor(oidc: OidcConfig, claims: client.IDToken): Promise<UserRecord> {
    const claimedRole = oidc.roleClaim ? claims[oidc.roleClaim] : undefined;
    const role = (ROLES as readonly unknown[]).includes(claimedRole) ? (claimedRole as Role) : null;
    const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : null;
    const actor = `oidc:${oidc.issuer}`;
    const link = { oidcIssuer: oidc.issuer, oidcSubject: claims.sub };
    const user = await this.db.transaction(async (tx) => {
      let u = await this.users.findByOidc(oidc.issuer, claims.sub);
      if (!u && email && claims.email_verified !== false) {
        const byEmail = await this.users.findByEmail(email);
        if (byEmail) {
          u = await this.users.update(byEmail.id, link, tx);
          await this.audit.record({ actor, action: 'link', entityType: 'user', entityId: u.id, after: link }, tx);
        }
      }
      if (!u) {
        const newRole = role ?? oidc.defaultRole;
        if (!newRole || !email)
          throw new DomainError('FORBIDDEN', `no Anom account for ${email ?? claims.sub}; ask an admin to add you`);
        const displayName = typeof claims.name === 'string' && claims.name ? claims.name.slice(0, 100) : email;
        const input = { id: randomUUID(), email, displayName, role: newRole, passwordHash: null, ...link };
        u = await this.users.create(input, tx);
        await this.audit.record({ actor, action: 'create', entityType: 'user', entityId: u.id, after: u }, tx);
      } else if (role && role !== u.role && !u.disabledAt) {
        const before = u;
        u = await this.users.update(u.id, { role }, tx);
        await this.audit.record({ actor, action: 'update', entityType: 'user', entityId: u.id, before, after: u }, tx);
      }
      return u;
    });
    if (user.disabledAt) throw new DomainError('FORBIDDEN', 'this account is disabled');
    return user;
  }

  private configuration(oidc: OidcConfig): Promise<client.Configuration> {
    this.discovered ??= client
      .discovery(
        new URL(oidc.issuer),
        oidc.clientId,
        oidc.clientSecret,
        undefined,
        oidc.allowInsecure ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((err: Error) => {
        this.discovered = null;
        throw new DomainError('UNAUTHENTICATED', `the identity provider cannot be reached: ${err.message}`);
      });
    return this.discovered;
  }

  private required(): OidcConfig {
    if (!this.config.oidc) throw new DomainError('OIDC_NOT_CONFIGURED', 'OIDC sign-in is not configured (OIDC_ISSUER)');
    return this.config.oidc;
  }

  private key(state: string): string {
    return `${this.config.queuePrefix}:oidc:${state}`;
  }
}

/** Only a path of this app: an absolute URL or `//host` would make the sign-in an open redirect. */
export function safeReturnTo(v: string | undefined): string {
  return v && v.startsWith('/') && !v.startsWith('//') && !v.includes('\\') ? v.slice(0, 500) : '/';
}
