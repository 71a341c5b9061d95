import type { Role } from '@anom/contracts';
import type { Database, Tx } from '../database';

/** A person as stored, without the password hash. */
export interface UserRecord {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  oidcIssuer: string | null;
  oidcSubject: string | null;
  failedSignIns: number;
  lockedUntil: Date | null;
  lastSignInAt: Date | null;
  disabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const omitHash = { passwordHash: true } as const;

/** People who sign in (app_user). Emails are stored lower-cased by the caller. */
export class UserRepository {
  constructor(private readonly db: Database) {}

  async create(
    input: {
      id: string;
      email: string;
      displayName: string;
      role: Role;
      passwordHash: string | null;
      oidcIssuer?: string;
      oidcSubject?: string;
    },
    tx?: Tx,
  ): Promise<UserRecord> {
    return (await (tx?.prisma ?? this.db.prisma).user.create({ data: input, omit: omitHash })) as UserRecord;
  }

  async list(): Promise<UserRecord[]> {
    return (await this.db.prisma.user.findMany({ orderBy: { email: 'asc' }, omit: omitHash })) as UserRecord[];
  }

  async find(id: string): Promise<UserRecord | null> {
    return (await this.db.prisma.user.findUnique({ where: { id }, omit: omitHash })) as UserRecord | null;
  }

  async findByEmail(email: string): Promise<UserRecord | null> {
    return (await this.db.prisma.user.findUnique({ where: { email }, omit: omitHash })) as UserRecord | null;
  }

  /** The user and its Argon2id hash, for sign-in only. */
  async findCredentials(email: string): Promise<{ user: UserRecord; passwordHash: string | null } | null> {
    const u = await this.db.prisma.user.findUnique({ where: { email } });
    if (!u) return null;
    const { passwordHash, ...user } = u;
    return { user: user as UserRecord, passwordHash };
  }

  async findByOidc(issuer: string, subject: string): Promise<UserRecord | null> {
    return (await this.db.prisma.user.findFirst({
      where: { oidcIssuer: issuer, oidcSubject: subject },
      omit: omitHash,
    })) as UserRecord | null;
  }

  /** How many enabled admins there are (the bootstrap token retires in production once one exists). */
  async countActiveAdmins(): Promise<number> {
    return this.db.prisma.user.count({ where: { role: 'admin', disabledAt: null } });
  }

  async update(
    id: string,
    patch: Partial<{
      displayName: string;
      role: Role;
      passwordHash: string | null;
      oidcIssuer: string | null;
      oidcSubject: string | null;
      disabledAt: Date | null;
      failedSignIns: number;
      lockedUntil: Date | null;
    }>,
    tx?: Tx,
  ): Promise<UserRecord> {
    return (await (tx?.prisma ?? this.db.prisma).user.update({
      where: { id },
      data: { ...patch, updatedAt: new Date() },
      omit: omitHash,
    })) as UserRecord;
  }

  /**
   * Counts one failed sign-in and, once `failedSignIns` reaches `lockAfter`,
   * locks the account until `at + lockMs · 2^(failures − lockAfter)` (capped
   * at `maxLockMs`): exponential back-off, per OWASP's Authentication Cheat
   * Sheet ("account lockout"). Returns the new lock end, if any.
   */
  async recordFailedSignIn(
    id: string,
    at: Date,
    policy: { lockAfter: number; lockMs: number; maxLockMs: number },
    tx?: Tx,
  ): Promise<Date | null> {
    const prisma = tx?.prisma ?? this.db.prisma;
    const u = await prisma.user.update({
      where: { id },
      data: { failedSignIns: { increment: 1 } },
      select: { failedSignIns: true },
    });
    if (u.failedSignIns < policy.lockAfter) return null;
    const ms = Math.min(policy.maxLockMs, policy.lockMs * 2 ** (u.failedSignIns - policy.lockAfter));
    const until = new Date(at.getTime() + ms);
    await prisma.user.update({ where: { id }, data: { lockedUntil: until } });
    return until;
  }

  async recordSignIn(id: string, at: Date): Promise<void> {
    await this.db.prisma.user.update({
      where: { id },
      data: { failedSignIns: 0, lockedUntil: null, lastSignInAt: at },
    });
  }
}
