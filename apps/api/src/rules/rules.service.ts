import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { RuleOrigin } from '@anom/contracts';
import type { ApiConfig } from '../config/api.config';
import { API_CONFIG } from '../infra/tokens';
import {
  DomainError,
  backtest,
  compileRule,
  parseRuleDefinition,
  type BacktestAlert,
  type FieldDefinition,
  type RuleDefinition,
} from '@anom/domain';
import { AuditRepository, Database, EventRepository, RuleRepository, type RuleRecord, type Tx } from '@anom/db';
import { BusinessesService } from '../business-def/businesses.service';
import type { BacktestDto, RuleBodyDto } from './dto/rule.dto';

/** A rule as the api answers it: head fields and the current version's definition, flat. */
export type RuleView = RuleDefinition & {
  id: string;
  businessId: string;
  version: number;
  origin: RuleOrigin;
  provisioned: boolean;
  createdAt: Date;
  updatedAt: Date;
};

/** Most alerts listed in a backtest answer (all are counted). */
const BACKTEST_MAX_ALERTS = 200;

export interface BacktestView {
  rule: RuleDefinition;
  from: Date;
  to: Date;
  events: number;
  matches: number;
  alertsTotal: number;
  alerts: BacktestAlert[];
  perDay: { day: string; alerts: number }[];
  resolved: number;
  open: number;
  ms: number;
}

/** Rules of a business. Every change is checked against the schema and written as a new version. */
@Injectable()
export class RulesService {
  constructor(
    private readonly rules: RuleRepository,
    private readonly businesses: BusinessesService,
    private readonly audit: AuditRepository,
    private readonly events: EventRepository,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly db: Database,
  ) {}

  /**
   * Runs a rule (saved or not) over the business's recorded events in
   * [from, to) with the worker's engine and in-memory state, and reports the
   * alerts it would have raised, per day and with their lifecycle. Bounded by
   * `backtestMaxEvents` events (BACKTEST_MAX_EVENTS; 422 naming the limit beyond it); measured at
   * roughly 0.5 s per 100k events for an immediate rule on this machine class.
   */
  async backtest(businessId: string, dto: BacktestDto): Promise<BacktestView> {
    const started = performance.now();
    const business = await this.businesses.get(businessId);
    const definition = this.parse(dto.rule, business.fields);
    const to = dto.to ? new Date(dto.to) : new Date();
    const from = dto.from ? new Date(dto.from) : new Date(to.getTime() - 7 * 86_400_000);
    if (from >= to)
      throw new DomainError('VALIDATION_FAILED', 'from must be before to', [
        { pointer: '/from', detail: 'must be before to' },
      ]);
    const limit = this.config.backtestMaxEvents;
    const rows = await this.events.range(businessId, from, to, limit + 1);
    if (rows.length > limit) {
      throw new DomainError(
        'BACKTEST_TOO_LARGE',
        `the range holds more than ${limit} events, the backtest limit; choose a shorter range`,
        [{ pointer: '/from', detail: `at most ${limit} events per backtest` }],
      );
    }
    const rule = compileRule({ id: 'backtest', version: 0, definition }, business.fields, business.timezone);
    const r = backtest(
      rule,
      rows.map((e) => ({ id: e.id, eventTime: e.eventTime, payload: e.payload })),
      to,
    );
    return {
      rule: definition,
      from,
      to,
      events: r.events,
      matches: r.matches,
      alertsTotal: r.alerts.length,
      alerts: r.alerts.slice(0, BACKTEST_MAX_ALERTS),
      perDay: r.perDay,
      resolved: r.resolved,
      open: r.open,
      ms: Math.round(performance.now() - started),
    };
  }

  /** The rule body as it would be saved (defaults filled). Throws RULE_INVALID with a pointer per problem. */
  async validate(
    businessId: string,
    body: RuleBodyDto | Record<string, unknown>,
  ): Promise<{ valid: true; rule: RuleDefinition }> {
    const business = await this.businesses.get(businessId);
    return { valid: true, rule: this.parse(body, business.fields) };
  }

  /**
   * `origin`: `suggestion` when a person accepts a profiler suggestion. The rule, its first version and the audit
   * row commit together, inside `join` (the caller's transaction) when given.
   */
  async create(
    businessId: string,
    body: RuleBodyDto | Record<string, unknown>,
    actor: string,
    origin: RuleOrigin = 'user',
    join?: Tx,
    id: string = randomUUID(),
  ): Promise<RuleView> {
    const business = await this.businesses.getLive(businessId);
    const definition = this.parse(body, business.fields);
    await this.assertNameFree(businessId, definition.name);
    return this.db.transaction(async (tx) => {
      const rule = await this.rules.create({ id, businessId, definition, origin, actor }, tx);
      const entry = { actor, action: 'create', entityType: 'rule' as const, entityId: rule.id, after: rule.definition };
      await this.audit.record(entry, tx);
      return view(rule);
    }, join);
  }

  async list(businessId: string): Promise<{ items: RuleView[]; nextCursor: null }> {
    await this.businesses.get(businessId);
    return { items: (await this.rules.listByBusiness(businessId)).map(view), nextCursor: null };
  }

  async get(ruleId: string): Promise<RuleView> {
    return view(await this.find(ruleId));
  }

  /** PATCH semantics: the body's keys replace the current definition's; the result is validated whole. */
  async update(ruleId: string, body: RuleBodyDto, actor: string): Promise<RuleView> {
    const before = await this.find(ruleId);
    const business = await this.businesses.getLive(before.businessId);
    return this.save(before, this.parse({ ...before.definition, ...stripUndefined(body) }, business.fields), actor);
  }

  /**
   * PUT semantics (rules as code): `body` is the whole definition, validated as is; keys it leaves out take their
   * defaults, not the current values. A new version only when the definition changes.
   */
  async replace(ruleId: string, body: Record<string, unknown>, actor: string): Promise<RuleView> {
    const before = await this.find(ruleId);
    const business = await this.businesses.getLive(before.businessId);
    return this.save(before, this.parse(body, business.fields), actor);
  }

  /** Writes `definition` as the rule's next version with its audit row (one transaction). */
  private async save(before: RuleRecord, definition: RuleDefinition, actor: string): Promise<RuleView> {
    if (definition.name !== before.name) await this.assertNameFree(before.businessId, definition.name);
    return this.db.transaction(async (tx) => {
      const after = await this.rules.update(before.id, definition, actor, tx);
      const entry = { actor, action: 'update', entityType: 'rule' as const, entityId: before.id };
      await this.audit.record({ ...entry, before: before.definition, after: after.definition }, tx);
      return view(after);
    });
  }

  /** A rule body as it would be saved against `fields` (defaults filled); throws RULE_INVALID. */
  normalize(body: Record<string, unknown>, fields: FieldDefinition[]): RuleDefinition {
    return this.parse(body, fields);
  }

  /** Deletes (soft): the rule stops evaluating; its alerts and versions stay for the record. */
  async remove(ruleId: string, actor: string): Promise<RuleView> {
    const before = await this.find(ruleId);
    await this.db.transaction(async (tx) => {
      await this.rules.softDelete(ruleId, new Date(), tx);
      await this.audit.record(
        { actor, action: 'delete', entityType: 'rule', entityId: ruleId, before: before.definition },
        tx,
      );
    });
    return { ...view(before), enabled: false };
  }

  private async find(ruleId: string): Promise<RuleRecord> {
    const rule = await this.rules.findById(ruleId);
    if (!rule) throw new DomainError('RULE_NOT_FOUND', `no rule '${ruleId}'`);
    return rule;
  }

  private parse(body: object, fields: Parameters<typeof parseRuleDefinition>[1]): RuleDefinition {
    const r = parseRuleDefinition(body, fields);
    if (!r.ok)
      throw new DomainError('RULE_INVALID', r.errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '), r.errors);
    return r.definition;
  }

  private async assertNameFree(businessId: string, name: string): Promise<void> {
    if (await this.rules.findByName(businessId, name))
      throw new DomainError('RULE_NAME_TAKEN', `business '${businessId}' already has a rule named '${name}'`, [
        { pointer: '/name', detail: 'is taken' },
      ]);
  }
}

function view(r: RuleRecord): RuleView {
  return {
    id: r.id,
    businessId: r.businessId,
    version: r.version,
    origin: r.origin,
    provisioned: r.provisioned,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    ...r.definition,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
