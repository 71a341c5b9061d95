import type { SuggestionStatus } from '@anom/contracts';
import type { Database, Tx } from '../database';

export type ProfileRunStatus = 'queued' | 'running' | 'done' | 'failed';
export type { SuggestionStatus };

export interface ProfileRunRecord {
  id: string;
  businessId: string;
  status: ProfileRunStatus;
  /** Percent done (0–100). */
  progress: number;
  events: number | null;
  suggestions: number | null;
  error: string | null;
  requestedBy: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** What a suggestion's backtest over recorded history found. */
export interface SuggestionBacktest {
  from: string | null;
  to: string | null;
  events: number;
  alerts: number;
  alertsPerDay: number;
  perDay: { day: string; alerts: number }[];
  resolved: number;
}

export interface SuggestionRecord {
  id: string;
  businessId: string;
  key: string;
  kind: string;
  rule: Record<string, unknown>;
  rationale: string;
  evidence: Record<string, unknown>;
  backtest: SuggestionBacktest;
  status: SuggestionStatus;
  runId: string | null;
  createdAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
  reason: string | null;
  ruleId: string | null;
}

/** Profiling runs and the suggestions they leave. */
export class SuggestionRepository {
  constructor(private readonly db: Database) {}

  async createRun(input: { id: string; businessId: string; requestedBy: string }): Promise<ProfileRunRecord> {
    return (await this.db.prisma.profileRun.create({ data: input })) as ProfileRunRecord;
  }

  async findRun(id: string): Promise<ProfileRunRecord | null> {
    return (await this.db.prisma.profileRun.findUnique({ where: { id } })) as ProfileRunRecord | null;
  }

  /** The newest run of a business, if any. */
  async latestRun(businessId: string): Promise<ProfileRunRecord | null> {
    return (await this.db.prisma.profileRun.findFirst({
      where: { businessId },
      orderBy: { createdAt: 'desc' },
    })) as ProfileRunRecord | null;
  }

  async updateRun(
    id: string,
    patch: Partial<
      Pick<ProfileRunRecord, 'status' | 'progress' | 'events' | 'suggestions' | 'error' | 'startedAt' | 'finishedAt'>
    >,
  ): Promise<void> {
    await this.db.prisma.profileRun.update({ where: { id }, data: patch });
  }

  /** Ids of the live businesses without a profiling run created after `since`. */
  async businessesNotProfiledSince(since: Date): Promise<string[]> {
    const rows = await this.db.prisma.business.findMany({
      where: { archivedAt: null, profileRuns: { none: { createdAt: { gt: since } } } },
      select: { id: true },
      orderBy: { id: 'asc' },
    });
    return rows.map((r) => r.id);
  }

  /** Runs still queued that were created before `before` (their queue job was lost). */
  async runsQueuedBefore(before: Date): Promise<{ id: string; businessId: string }[]> {
    return this.db.prisma.profileRun.findMany({
      where: { status: 'queued', createdAt: { lt: before } },
      select: { id: true, businessId: true },
    });
  }

  /** Keys this business has had suggested, whatever became of them. */
  async knownKeys(businessId: string): Promise<Set<string>> {
    const rows = await this.db.prisma.suggestion.findMany({ where: { businessId }, select: { key: true } });
    return new Set(rows.map((r) => r.key));
  }

  /** Stores new suggestions; one whose key the business already had is skipped. Returns how many were stored. */
  async insertMany(
    rows: Omit<SuggestionRecord, 'status' | 'createdAt' | 'decidedAt' | 'decidedBy' | 'reason' | 'ruleId'>[],
  ): Promise<number> {
    if (rows.length === 0) return 0;
    const r = await this.db.prisma.suggestion.createMany({
      data: rows.map((s) => ({
        ...s,
        rule: s.rule as object,
        evidence: s.evidence as object,
        backtest: s.backtest as object,
      })),
      skipDuplicates: true,
    });
    return r.count;
  }

  async list(businessId: string, status?: SuggestionStatus): Promise<SuggestionRecord[]> {
    const rows = await this.db.prisma.suggestion.findMany({
      where: { businessId, ...(status ? { status } : {}) },
      orderBy: [{ createdAt: 'asc' }, { key: 'asc' }],
    });
    return rows as unknown as SuggestionRecord[];
  }

  async find(id: string): Promise<SuggestionRecord | null> {
    return (await this.db.prisma.suggestion.findUnique({ where: { id } })) as unknown as SuggestionRecord | null;
  }

  /** Records a decision on a pending suggestion; null when it is no longer pending. */
  async decide(
    id: string,
    decision: { status: 'accepted' | 'rejected'; by: string; at: Date; reason?: string | null; ruleId?: string | null },
    tx?: Tx,
  ): Promise<SuggestionRecord | null> {
    const r = await (tx?.prisma ?? this.db.prisma).suggestion.updateManyAndReturn({
      where: { id, status: 'pending' },
      data: {
        status: decision.status,
        decidedBy: decision.by,
        decidedAt: decision.at,
        reason: decision.reason ?? null,
        ruleId: decision.ruleId ?? null,
      },
    });
    return (r[0] as unknown as SuggestionRecord) ?? null;
  }
}
