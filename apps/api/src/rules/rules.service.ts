import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, parseRuleDefinition, type RuleDefinition } from '@anom/domain';
import { AuditRepository, RuleRepository, type RuleRecord } from '@anom/db';
import { BusinessesService } from '../business-def/businesses.service';
import type { RuleBodyDto } from './dto/rule.dto';

/** A rule as the api answers it: head fields and the current version's definition, flat. */
export type RuleView = RuleDefinition & { id: string; businessId: string; version: number; origin: string; createdAt: Date; updatedAt: Date };

/** Rules of a business. Every change is checked against the schema and written as a new version. */
@Injectable()
export class RulesService {
  constructor(
    private readonly rules: RuleRepository,
    private readonly businesses: BusinessesService,
    private readonly audit: AuditRepository,
  ) {}

  async create(businessId: string, body: RuleBodyDto, actor: string): Promise<RuleView> {
    const business = await this.businesses.getLive(businessId);
    const definition = this.parse(body, business.fields);
    await this.assertNameFree(businessId, definition.name);
    const rule = await this.rules.create({ id: randomUUID(), businessId, definition, origin: 'user', actor });
    await this.audit.record({ actor, action: 'create', entityType: 'rule', entityId: rule.id, after: rule.definition });
    return view(rule);
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
    const definition = this.parse({ ...before.definition, ...stripUndefined(body) }, business.fields);
    if (definition.name !== before.name) await this.assertNameFree(before.businessId, definition.name);
    const after = await this.rules.update(ruleId, definition, actor);
    await this.audit.record({ actor, action: 'update', entityType: 'rule', entityId: ruleId, before: before.definition, after: after.definition });
    return view(after);
  }

  /** Deletes (soft): the rule stops evaluating; its alerts and versions stay for the record. */
  async remove(ruleId: string, actor: string): Promise<RuleView> {
    const before = await this.find(ruleId);
    await this.rules.softDelete(ruleId, new Date());
    await this.audit.record({ actor, action: 'delete', entityType: 'rule', entityId: ruleId, before: before.definition });
    return { ...view(before), enabled: false };
  }

  private async find(ruleId: string): Promise<RuleRecord> {
    const rule = await this.rules.findById(ruleId);
    if (!rule) throw new DomainError('RULE_NOT_FOUND', `no rule '${ruleId}'`);
    return rule;
  }

  private parse(body: object, fields: Parameters<typeof parseRuleDefinition>[1]): RuleDefinition {
    const r = parseRuleDefinition(body, fields);
    if (!r.ok) throw new DomainError('RULE_INVALID', r.errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '), r.errors);
    return r.definition;
  }

  private async assertNameFree(businessId: string, name: string): Promise<void> {
    if (await this.rules.findByName(businessId, name)) throw new DomainError('RULE_NAME_TAKEN', `business '${businessId}' already has a rule named '${name}'`, [{ pointer: '/name', detail: 'is taken' }]);
  }
}

function view(r: RuleRecord): RuleView {
  return { id: r.id, businessId: r.businessId, version: r.version, origin: r.origin, createdAt: r.createdAt, updatedAt: r.updatedAt, ...r.definition };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
