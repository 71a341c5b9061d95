import { Inject, Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { GroupLimitCounter } from '@anom/queue';
import type { Redis } from 'ioredis';
import { API_CONFIG } from '../infra/tokens';
import { REDIS } from '../infra/infra.module';
import type { ApiConfig } from '../config/api.config';

/**
 * The platform's own metrics in Prometheus's text format (prom-client): for
 * now what a rule turned away past its maxGroups,
 * `anom_rule_untracked_groups_total{business_id, rule_id}`, read from the
 * counts the workers keep in Redis at each scrape.
 */
@Injectable()
export class MetricsService {
  private readonly registry = new Registry();
  private readonly groupLimits: GroupLimitCounter;

  constructor(@Inject(REDIS) redis: Redis, @Inject(API_CONFIG) config: ApiConfig) {
    this.groupLimits = new GroupLimitCounter(redis, config.queuePrefix);
    const limits = this.groupLimits;
    new Counter({
      name: 'anom_rule_untracked_groups_total',
      help: 'New groups a stateful rule did not evaluate because it tracked maxGroups groups already',
      labelNames: ['business_id', 'rule_id'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const c of await limits.read()) this.inc({ business_id: c.businessId, rule_id: c.ruleId }, c.groups);
      },
    });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
