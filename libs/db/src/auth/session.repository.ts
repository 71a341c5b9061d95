import type { Database, Tx } from '../database';
import type { UserRecord } from './user.repository';

/** Browser sessions (user_session), keyed by the SHA-256 of the cookie value. */
export class SessionRepository {
  constructor(private readonly db: Database) {}

  async create(input: { idHash: string; userId: string; csrfToken: string; expiresAt: Date }, tx?: Tx): Promise<void> {
    await (tx?.prisma ?? this.db.prisma).userSession.create({ data: input });
  }

  /** The live session of `idHash` at `now` and its enabled user, or null. */
  async findLive(idHash: string, now: Date): Promise<{ csrfToken: string; expiresAt: Date; user: UserRecord } | null> {
    const s = await this.db.prisma.userSession.findFirst({
      where: { idHash, expiresAt: { gt: now }, user: { disabledAt: null } },
      select: { csrfToken: true, expiresAt: true, user: { omit: { passwordHash: true } } },
    });
    return s ? { csrfToken: s.csrfToken, expiresAt: s.expiresAt, user: s.user as UserRecord } : null;
  }

  /** Slides the session's expiry forward (idle time-out). */
  async touch(idHash: string, at: Date, expiresAt: Date): Promise<void> {
    await this.db.prisma.userSession.updateMany({ where: { idHash }, data: { lastSeenAt: at, expiresAt } });
  }

  async remove(idHash: string): Promise<void> {
    await this.db.prisma.userSession.deleteMany({ where: { idHash } });
  }

  /** Ends every session of a user (disabled, role changed, password changed). */
  async removeForUser(userId: string): Promise<void> {
    await this.db.prisma.userSession.deleteMany({ where: { userId } });
  }

  async removeExpired(now: Date): Promise<number> {
    return (await this.db.prisma.userSession.deleteMany({ where: { expiresAt: { lte: now } } })).count;
  }
}
