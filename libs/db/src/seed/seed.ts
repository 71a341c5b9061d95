import { randomUUID } from 'node:crypto';
import { checkBusinessSchema, parseRuleDefinition, parseViewPanels } from '@anom/domain';
import type { Database } from '../database';
import { BusinessRepository } from '../businesses/business.repository';
import { RuleRepository } from '../rules/rule.repository';
import { ViewRepository } from '../views/view.repository';
import { SEED_BUSINESSES, type SeedBusiness } from './seed-businesses';

/**
 * Creates the seeded businesses, their rules and views where missing. Idempotent:
 * an existing business is left as its users edited it, and a rule is created
 * only when no live rule of that name exists. Throws when a seed definition
 * itself is invalid (a bug in this file, caught by its test).
 */
export async function seed(
  db: Database,
  businesses: SeedBusiness[] = SEED_BUSINESSES,
): Promise<{ businessesCreated: number; rulesCreated: number; viewsCreated: number }> {
  const repo = new BusinessRepository(db);
  const rules = new RuleRepository(db);
  const views = new ViewRepository(db);
  let businessesCreated = 0;
  let rulesCreated = 0;
  let viewsCreated = 0;
  for (const b of businesses) {
    const problems = checkBusinessSchema(b);
    if (problems.length > 0) throw new Error(`seed ${b.id}: ${JSON.stringify(problems)}`);
    let business = await repo.findById(b.id);
    if (!business) {
      business = await repo.create({
        id: b.id,
        name: b.name,
        description: b.description,
        timezone: b.timezone,
        timestampField: b.timestampField,
        entityKeyFields: b.entityKeyFields,
        retentionDays: 30,
        fields: b.fields,
      });
      businessesCreated++;
    }
    for (const body of b.rules) {
      const parsed = parseRuleDefinition(body, business.fields);
      if (!parsed.ok) throw new Error(`seed ${b.id} rule ${String(body.name)}: ${JSON.stringify(parsed.errors)}`);
      if (await rules.findByName(b.id, parsed.definition.name)) continue;
      await rules.create({
        id: randomUUID(),
        businessId: b.id,
        definition: parsed.definition,
        origin: 'seed',
        actor: 'seed',
      });
      rulesCreated++;
    }
    for (const [position, v] of b.views.entries()) {
      const parsed = parseViewPanels(v.panels, business.fields);
      if (!parsed.ok) throw new Error(`seed ${b.id} view ${v.name}: ${JSON.stringify(parsed.errors)}`);
      if (await views.findByName(b.id, v.name)) continue;
      await views.create({
        id: randomUUID(),
        businessId: b.id,
        name: v.name,
        description: v.description ?? '',
        panels: parsed.panels,
        position,
      });
      viewsCreated++;
    }
  }
  return { businessesCreated, rulesCreated, viewsCreated };
}
