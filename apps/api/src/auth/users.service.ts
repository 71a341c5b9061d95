import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
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
import { API_KEY_PREFIX, AuthService, issueToken } from './auth.service';
import { hashPassword } from './passwords';
import type { CreateApiKeyDto, CreateUserDto, UpdateUserDto } from './dto/auth.dto';

/** A user as the API shows it (never the hash; whether a password is set is not exposed either). */
export type UserView = Omit<UserRecord, 'oidcIssuer' | 'oidcSubject' | 'failedSignIns'> & { oidc: boolean };

function view(u: UserRecord): UserView {
  const { oidcIssuer, oidcSubject, failedSignIns: _f, ...rest } = u;
  return { ...rest, oidc: !!(oidcIssuer && oidcSubject) };
}

/**
 * People and API keys (admin only). Each change writes its audit row in the
 * same transaction. Changing a role, a password or disabling an account ends
 * that person's sessions, so the change applies at once.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly apiKeys: ApiKeyRepository,
    private readonly audit: AuditRepository,
    private readonly auth: AuthService,
    private readonly db: Database,
  ) {}

  async create(dto: CreateUserDto, actor: string): Promise<UserView> {
    const email = dto.email.trim().toLowerCase();
    if (await this.users.findByEmail(email))
      throw new DomainError('USER_EXISTS', `a user with email '${email}' exists`, [
        { pointer: '/email', detail: 'already taken' },
      ]);
    const passwordHash = dto.password ? await hashPassword(dto.password) : null;
    const input = { id: randomUUID(), email, displayName: dto.displayName, role: dto.role, passwordHash };
    const created = await this.db.transaction(async (tx) => {
      const u = await this.users.create(input, tx);
      await this.audit.record({ actor, action: 'create', entityType: 'user', entityId: u.id, after: view(u) }, tx);
      return view(u);
    });
    this.auth.forgetAdminCount();
    return created;
  }

  async list(): Promise<{ items: UserView[]; nextCursor: null }> {
    return { items: (await this.users.list()).map(view), nextCursor: null };
  }

  async get(id: string): Promise<UserView> {
    return view(await this.find(id));
  }

  async update(id: string, dto: UpdateUserDto, actor: string): Promise<UserView> {
    const before = await this.find(id);
    const patch = {
      displayName: dto.displayName,
      role: dto.role,
      passwordHash: dto.password ? await hashPassword(dto.password) : undefined,
      disabledAt: dto.disabled === undefined ? undefined : dto.disabled ? (before.disabledAt ?? new Date()) : null,
      ...(dto.disabled === false || dto.password ? { failedSignIns: 0, lockedUntil: null } : {}),
    };
    const after = await this.db.transaction(async (tx) => {
      const u = await this.users.update(id, patch, tx);
      const entry = { actor, action: 'update', entityType: 'user' as const, entityId: id };
      await this.audit.record(
        { ...entry, before: view(before), after: { ...view(u), passwordChanged: !!dto.password } },
        tx,
      );
      return u;
    });
    if ((dto.role && dto.role !== before.role) || dto.password || dto.disabled) await this.sessions.removeForUser(id);
    this.auth.forgetAdminCount();
    return view(after);
  }

  /** Creates a key; its token is in this answer only (`anomk_` + 43 base64url characters, 256 bits). */
  async createKey(dto: CreateApiKeyDto, actor: string): Promise<ApiKeyRecord & { token: string }> {
    const expiresAt = dto.expiresAt ? new Date(dto.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now())
      throw new DomainError('VALIDATION_FAILED', 'expiresAt must be in the future', [
        { pointer: '/expiresAt', detail: 'must be in the future' },
      ]);
    const { token, tokenHash, tokenPrefix } = issueToken(API_KEY_PREFIX, API_KEY_PREFIX.length + 6);
    const input = {
      id: randomUUID(),
      name: dto.name,
      tokenHash,
      tokenPrefix,
      scopes: [...new Set(dto.scopes)],
      expiresAt,
      createdBy: actor,
    };
    return this.db.transaction(async (tx) => {
      const key = await this.apiKeys.create(input, tx);
      await this.audit.record({ actor, action: 'create', entityType: 'api_key', entityId: key.id, after: key }, tx);
      return { ...key, token };
    });
  }

  async listKeys(): Promise<{ items: ApiKeyRecord[]; nextCursor: null }> {
    return { items: await this.apiKeys.list(), nextCursor: null };
  }

  /** Revokes a key: refused at once by this api process, within 10 s by other replicas. */
  async revokeKey(id: string, actor: string): Promise<ApiKeyRecord> {
    const revoked = await this.db.transaction(async (tx) => {
      const k = await this.apiKeys.revoke(id, new Date(), tx);
      if (!k) throw new DomainError('API_KEY_NOT_FOUND', `no live API key '${id}'`);
      await this.audit.record({ actor, action: 'revoke', entityType: 'api_key', entityId: id, after: k }, tx);
      return k;
    });
    this.auth.evictKey(id);
    return revoked;
  }

  private async find(id: string): Promise<UserRecord> {
    const u = await this.users.find(id);
    if (!u) throw new DomainError('USER_NOT_FOUND', `no user '${id}'`);
    return u;
  }
}
