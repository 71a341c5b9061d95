import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { alertSummary, compileRule, evaluateImmediate, foldMatches, type CompiledRule } from '@anom/domain';
import { AlertRepository, BusinessRepository, Database, EventRepository, RuleRepository, type ApplyOutcome, type BusinessRecord } from '@anom/db';

export type EvaluateOutcome =
  | { status: 'skipped'; reason: 'batch-missing' | 'already-done' | 'business-missing' }
  | ({ status: 'done'; events: number; matches: number; failures: number; ms: number } & ApplyOutcome);

const MAX_COMPILED = 5_000;

/**
 * Evaluates one ingest batch: loads its events and the business's enabled
 * rules (compiled once per rule version and schema version, then cached),
 * runs the domain evaluators, and in ONE transaction applies the alert
 * candidates and marks the batch done. Re-running a batch is safe: a done
 * batch is skipped, and a batch that failed half-way rolled back entirely;
 * `rule_match` makes counting idempotent besides.
 */
@Injectable()
export class EvaluateService {
  private readonly compiled = new Map<string, CompiledRule | Error>();

  constructor(
    private readonly db: Database,
    private readonly events: EventRepository,
    private readonly businesses: BusinessRepository,
    private readonly rules: RuleRepository,
    private readonly alerts: AlertRepository,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('EvaluateService');
  }

  async evaluateBatch(batchId: string, now: () => Date = () => new Date()): Promise<EvaluateOutcome> {
    const started = performance.now();
    const batch = await this.events.findBatch(batchId);
    if (!batch) return { status: 'skipped', reason: 'batch-missing' };
    if (batch.status === 'done') return { status: 'skipped', reason: 'already-done' };
    const business = await this.businesses.findById(batch.businessId);
    if (!business) return { status: 'skipped', reason: 'business-missing' };

    const [ruleRecords, events] = await Promise.all([this.rules.listActive(business.id), this.events.loadBatchEvents(batch)]);
    const compiled = ruleRecords.map((r) => this.compile(r, business)).filter((r): r is CompiledRule => r !== null);
    const names = new Map(ruleRecords.map((r) => [r.id, r.name]));
    const { matches, failures } = evaluateImmediate(
      compiled,
      events.map((e) => ({ id: e.id, eventTime: e.eventTime, payload: e.payload })),
    );
    if (failures.length > 0) {
      this.logger.warn({ businessId: business.id, batchId, failures: failures.length, first: failures[0] }, 'rule evaluation errors');
    }
    const candidates = foldMatches(matches).map((c) => ({ ...c, summary: alertSummary(names.get(c.ruleId) ?? c.ruleId, c) }));
    const outcome = await this.db.transaction(async (client) => {
      const at = now();
      const applied = await this.alerts.applyCandidates(client, business.id, candidates, at);
      await this.events.markBatchDone(client, batchId, at);
      return applied;
    });
    const ms = Math.round(performance.now() - started);
    if (outcome.opened.length || outcome.escalated.length) {
      this.logger.info({ businessId: business.id, batchId, opened: outcome.opened.length, escalated: outcome.escalated.length }, 'alerts raised');
    }
    return { status: 'done', events: events.length, matches: matches.length, failures: failures.length, ms, ...outcome };
  }

  private compile(rule: { id: string; version: number; name: string; definition: CompiledRule['definition'] }, business: BusinessRecord): CompiledRule | null {
    const key = `${rule.id}@${rule.version}/${business.schemaVersion}`;
    let c = this.compiled.get(key);
    if (!c) {
      try {
        c = compileRule(rule, business.fields);
      } catch (err) {
        c = err as Error;
        this.logger.error({ ruleId: rule.id, version: rule.version, err }, 'rule does not compile against the current schema; skipped');
      }
      if (this.compiled.size >= MAX_COMPILED) this.compiled.clear();
      this.compiled.set(key, c);
    }
    return c instanceof Error ? null : c;
  }
}
