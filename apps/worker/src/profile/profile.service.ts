import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { backtest, compileRule, parseRuleDefinition } from '@anom/domain';
import {
  BusinessRepository,
  Database,
  EventRepository,
  RuleRepository,
  SuggestionRepository,
  type SuggestionBacktest,
} from '@anom/db';
import { profileEvents, suggestRules } from '@anom/profiler';
import { ProfileQueue } from '@anom/queue';
import type { WorkerConfig } from '../config/worker.config';
import { WORKER_CONFIG } from '../infra/tokens';

const DAY = 86_400_000;

export type ProfileOutcome =
  | { status: 'skipped'; reason: 'run-missing' | 'not-queued' | 'business-missing' }
  | { status: 'done'; events: number; proposed: number; overBudget: number; known: number }
  | { status: 'failed'; error: string };

/**
 * Runs the profiler over a business's recent history (libs/profiler) and
 * stores what it suggests, each with a backtest over that same history
 * through the engine (`backtest`, in-memory state). Suggestions already
 * made once (pending, accepted or rejected: same key) and those over the
 * noise budget (alerts per day) are left out. Progress is written to the
 * run as it goes.
 */
@Injectable()
export class ProfileService {
  constructor(
    private readonly db: Database,
    private readonly businesses: BusinessRepository,
    private readonly events: EventRepository,
    private readonly rules: RuleRepository,
    private readonly suggestions: SuggestionRepository,
    private readonly queue: ProfileQueue,
    private readonly logger: PinoLogger,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {
    logger.setContext('ProfileService');
  }

  async run(runId: string, now: Date = new Date()): Promise<ProfileOutcome> {
    const run = await this.suggestions.findRun(runId);
    if (!run) return { status: 'skipped', reason: 'run-missing' };
    if (run.status !== 'queued') return { status: 'skipped', reason: 'not-queued' };
    const business = await this.businesses.findById(run.businessId);
    if (!business) return { status: 'skipped', reason: 'business-missing' };
    await this.suggestions.updateRun(runId, { status: 'running', startedAt: new Date(), progress: 5 });
    try {
      const from = new Date(now.getTime() - this.config.profileDays * DAY);
      const stored = await this.events.range(
        business.id,
        from,
        new Date(now.getTime() + 1),
        this.config.profileMaxEvents,
      );
      const events = stored.map((e) => ({ id: e.id, eventTime: e.eventTime, payload: e.payload }));
      await this.suggestions.updateRun(runId, { progress: 30, events: events.length });
      const profile = profileEvents({
        fields: business.fields,
        entityKeyFields: business.entityKeyFields,
        timezone: business.timezone,
        events,
      });
      const existing = (await this.rules.listActive(business.id)).map((r) => r.definition);
      const known = await this.suggestions.knownKeys(business.id);
      const all = suggestRules(profile, {
        entityKeyFields: business.entityKeyFields,
        existing,
        fields: business.fields,
      });
      const fresh = all.filter((s) => !known.has(s.key));
      const days = Math.max(1, profile.days);
      const keep: Parameters<SuggestionRepository['insertMany']>[0] = [];
      let overBudget = 0;
      for (const [i, s] of fresh.entries()) {
        const parsed = parseRuleDefinition(s.rule, business.fields);
        if (!parsed.ok) {
          this.logger.warn(
            { businessId: business.id, key: s.key, errors: parsed.errors },
            'profiler suggested a rule that does not parse; left out',
          );
          continue;
        }
        const result = backtest(
          compileRule(
            { id: `suggestion:${s.key}`, version: 1, definition: parsed.definition },
            business.fields,
            business.timezone,
          ),
          events,
          now,
        );
        const summary: SuggestionBacktest = {
          from: profile.from?.toISOString() ?? null,
          to: profile.to?.toISOString() ?? null,
          events: result.events,
          alerts: result.alerts.length,
          alertsPerDay: Math.round((result.alerts.length / days) * 100) / 100,
          perDay: result.perDay,
          resolved: result.resolved,
        };
        if (summary.alertsPerDay > this.config.noiseBudgetPerDay) overBudget++;
        else
          keep.push({
            id: randomUUID(),
            businessId: business.id,
            key: s.key,
            kind: s.kind,
            rule: s.rule,
            rationale: s.rationale,
            evidence: s.evidence,
            backtest: summary,
            runId,
          });
        await this.suggestions.updateRun(runId, { progress: 30 + Math.round((70 * (i + 1)) / fresh.length) - 1 });
      }
      const proposed = await this.suggestions.insertMany(keep);
      await this.suggestions.updateRun(runId, {
        status: 'done',
        progress: 100,
        suggestions: proposed,
        finishedAt: new Date(),
      });
      this.logger.info(
        { businessId: business.id, runId, events: events.length, proposed, overBudget },
        'business profiled',
      );
      return { status: 'done', events: events.length, proposed, overBudget, known: all.length - fresh.length };
    } catch (err) {
      const error = (err as Error).message;
      await this.suggestions.updateRun(runId, { status: 'failed', error, finishedAt: new Date() });
      this.logger.error({ businessId: business.id, runId, err }, 'profiling failed');
      return { status: 'failed', error };
    }
  }

  /**
   * Queues a run for every live business not profiled within PROFILE_EVERY_MS, and re-enqueues runs stuck queued.
   * Returns the runs queued.
   */
  async scheduleAll(now: Date = new Date()): Promise<number> {
    const due = await this.suggestions.businessesNotProfiledSince(new Date(now.getTime() - this.config.profileEveryMs));
    for (const id of due) {
      const run = await this.suggestions.createRun({ id: randomUUID(), businessId: id, requestedBy: 'schedule' });
      await this.queue.enqueue({ runId: run.id, businessId: id });
    }
    const stuck = await this.suggestions.runsQueuedBefore(new Date(now.getTime() - 60_000));
    for (const r of stuck) await this.queue.enqueue({ runId: r.id, businessId: r.businessId });
    return due.length;
  }
}
