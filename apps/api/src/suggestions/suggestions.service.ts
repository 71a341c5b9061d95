import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError } from '@anom/domain';
import {
  AuditRepository,
  Database,
  SuggestionRepository,
  type ProfileRunRecord,
  type SuggestionRecord,
  type SuggestionStatus,
} from '@anom/db';
import { ProfileQueue } from '@anom/queue';
import { BusinessesService } from '../business-def/businesses.service';
import { RulesService, type RuleView } from '../rules/rules.service';

/**
 * Profiling runs and their suggestions: ask for a run, follow its progress,
 * list what it proposed, accept (the rule is created, origin `suggestion`,
 * optionally edited first) or reject with a reason. A decided suggestion is
 * remembered: the profiler does not propose it again.
 */
@Injectable()
export class SuggestionsService {
  constructor(
    private readonly suggestions: SuggestionRepository,
    private readonly queue: ProfileQueue,
    private readonly businesses: BusinessesService,
    private readonly rules: RulesService,
    private readonly audit: AuditRepository,
    private readonly db: Database,
  ) {}

  /** Queues a profiling run; the worker picks it up (or the maintenance sweep, if Redis is away now). */
  async profile(businessId: string, actor: string): Promise<ProfileRunRecord> {
    await this.businesses.getLive(businessId);
    const run = await this.suggestions.createRun({ id: randomUUID(), businessId, requestedBy: actor });
    await this.queue.enqueue({ runId: run.id, businessId });
    return run;
  }

  async run(businessId: string, runId: string): Promise<ProfileRunRecord> {
    const run = await this.suggestions.findRun(runId);
    if (!run || run.businessId !== businessId)
      throw new DomainError('PROFILE_RUN_NOT_FOUND', `business '${businessId}' has no profiling run '${runId}'`);
    return run;
  }

  async latestRun(businessId: string): Promise<ProfileRunRecord> {
    await this.businesses.get(businessId);
    const run = await this.suggestions.latestRun(businessId);
    if (!run) throw new DomainError('PROFILE_RUN_NOT_FOUND', `business '${businessId}' has not been profiled yet`);
    return run;
  }

  async list(businessId: string, status?: string): Promise<{ items: SuggestionRecord[]; nextCursor: null }> {
    await this.businesses.get(businessId);
    return { items: await this.suggestions.list(businessId, status as SuggestionStatus | undefined), nextCursor: null };
  }

  /**
   * Creates the suggested rule (with `edits` applied) and marks the suggestion accepted, in one transaction: a
   * suggestion decided meanwhile (SUGGESTION_DECIDED) leaves no rule behind.
   */
  async accept(
    id: string,
    edits: object | undefined,
    actor: string,
  ): Promise<{ suggestion: SuggestionRecord; rule: RuleView }> {
    const s = await this.pending(id);
    return this.db.transaction(async (tx) => {
      const body = { ...s.rule, ...(edits ?? {}) };
      const rule = await this.rules.create(s.businessId, body, actor, 'suggestion', tx);
      const decision = { status: 'accepted' as const, by: actor, at: new Date(), ruleId: rule.id };
      const decided = await this.suggestions.decide(id, decision, tx);
      if (!decided) throw new DomainError('SUGGESTION_DECIDED', `suggestion '${id}' was decided meanwhile`);
      const entry = { actor, action: 'accept', entityType: 'suggestion' as const, entityId: id };
      await this.audit.record({ ...entry, after: { ruleId: rule.id } }, tx);
      return { suggestion: decided, rule };
    });
  }

  async reject(id: string, reason: string, actor: string): Promise<SuggestionRecord> {
    await this.pending(id);
    return this.db.transaction(async (tx) => {
      const decision = { status: 'rejected' as const, by: actor, at: new Date(), reason };
      const decided = await this.suggestions.decide(id, decision, tx);
      if (!decided) throw new DomainError('SUGGESTION_DECIDED', `suggestion '${id}' was decided meanwhile`);
      const entry = { actor, action: 'reject', entityType: 'suggestion' as const, entityId: id, after: { reason } };
      await this.audit.record(entry, tx);
      return decided;
    });
  }

  private async pending(id: string): Promise<SuggestionRecord> {
    const s = await this.suggestions.find(id);
    if (!s) throw new DomainError('SUGGESTION_NOT_FOUND', `no suggestion '${id}'`);
    if (s.status !== 'pending')
      throw new DomainError('SUGGESTION_DECIDED', `suggestion '${id}' was already ${s.status}`);
    return s;
  }
}
