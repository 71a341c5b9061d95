import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Inject } from '@nestjs/common';
import type { ApiConfig } from '../config/api.config';
import { API_CONFIG } from '../infra/tokens';
import { AuthService, SESSION_COOKIE } from './auth.service';
import { SignInDto } from './dto/auth.dto';
import { OIDC_FLOW_TTL_S, OIDC_STATE_COOKIE, OidcService } from './oidc.service';
import { Allow } from './permission.decorator';
import type { UserRecord } from '@anom/db';
import type { Permission, SessionView } from '@anom/contracts';
import { DomainError } from '@anom/domain';

/**
 * Sign-in and the session. The browser keeps the session in an HttpOnly,
 * SameSite=Lax cookie (Secure in production or behind TLS) that scripts
 * cannot read, so an XSS cannot carry it away; requests that change
 * something also carry the synchronizer token from `GET /auth/session` in
 * X-CSRF-Token (OWASP CSRF Prevention Cheat Sheet). Lax rather than Strict
 * so that following a link to the app from a notification keeps you signed in.
 */
@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly oidc: OidcService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  /** How one may sign in: password always, OIDC when configured (its button label). */
  @Get('providers')
  @Allow('public')
  providers(): { password: true; oidc: { name: string } | null } {
    return { password: true, oidc: this.oidc.provider ? { name: this.oidc.provider.name } : null };
  }

  /** Password sign-in: sets the session cookie and returns the session. 401 wrong credentials, 429 locked. */
  @Post('sign-in')
  @Allow('public')
  @HttpCode(200)
  async signIn(
    @Body() dto: SignInDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionView> {
    const s = await this.auth.signIn(dto.email, dto.password, req.ip);
    this.setSessionCookie(reply, s.sessionId);
    return userSession(s.user, s.csrfToken);
  }

  /** Ends the session and clears its cookie. */
  @Post('sign-out')
  @Allow('read')
  @HttpCode(204)
  async signOut(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const sid = req.cookies?.[SESSION_COOKIE];
    if (sid) await this.auth.signOut(sid);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  /** Who is calling (a session, an API key, a source token) and what they may do. */
  @Get('session')
  @Allow('read')
  @ApiBearerAuth()
  session(@Req() req: FastifyRequest): SessionView {
    const p = req.principal!;
    if (p.user) return userSession(p.user, p.csrfToken ?? null);
    return {
      kind: p.kind,
      actor: p.actor,
      user: null,
      permissions: [...p.permissions] as Permission[],
      csrfToken: null,
    };
  }

  /**
   * Starts an OIDC sign-in: redirects (302) to the identity provider, or back
   * to the app's sign-in page with `?error=` when the provider cannot be reached.
   */
  @Get('oidc/start')
  @Allow('public')
  @ApiQuery({ name: 'returnTo', required: false, description: 'A path of the app to land on afterwards.' })
  async oidcStart(@Query('returnTo') returnTo: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    let started: { url: string; state: string };
    try {
      started = await this.oidc.start(returnTo ?? '/');
    } catch (err) {
      if (!(err instanceof DomainError) || err.code === 'OIDC_NOT_CONFIGURED') throw err;
      void reply.redirect(`/sign-in?error=${encodeURIComponent(err.message)}`, 302);
      return;
    }
    void reply
      .setCookie(OIDC_STATE_COOKIE, started.state, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: this.config.secureCookies,
        maxAge: OIDC_FLOW_TTL_S,
      })
      .redirect(started.url, 302);
  }

  /**
   * Where the identity provider sends the browser back: opens the session and
   * redirects (302) into the app; a refused sign-in redirects to the app's
   * sign-in page with the reason in `?error=`.
   */
  @Get('oidc/callback')
  @Allow('public')
  async oidcCallback(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
    void reply.clearCookie(OIDC_STATE_COOKIE, { path: '/' });
    try {
      const { user, returnTo } = await this.oidc.finish(query, req.cookies?.[OIDC_STATE_COOKIE]);
      const s = await this.auth.startSession(user, 'oidc');
      this.setSessionCookie(reply, s.sessionId);
      void reply.redirect(returnTo, 302);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      void reply.redirect(`/sign-in?error=${encodeURIComponent(err.message)}`, 302);
    }
  }

  /** A browser-session cookie: the server's sliding idle time-out (SESSION_IDLE_MS) decides when it ends. */
  private setSessionCookie(reply: FastifyReply, sessionId: string): void {
    void reply.setCookie(SESSION_COOKIE, sessionId, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.secureCookies,
    });
  }
}

function userSession(user: UserRecord, csrfToken: string | null): SessionView {
  return {
    kind: 'user',
    actor: `user:${user.email}`,
    user: { id: user.id, email: user.email, displayName: user.displayName, role: user.role },
    permissions: [...AuthService.grantsOf(user.role)],
    csrfToken,
  };
}
