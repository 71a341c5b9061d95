import type { Redis } from 'ioredis';

/**
 * Counts, per business and rule, the new groups a rule turned away because
 * it tracked its maxGroups already: the worker adds, the api's `/metrics`
 * reads (`anom_rule_untracked_groups_total`). One Redis hash, field
 * `<businessId>/<ruleId>`; it is lost with Redis's data, as a counter that
 * restarts (Prometheus's rate() handles resets).
 */
export class GroupLimitCounter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get key(): string {
    return `${this.prefix}:metrics:untracked-groups`;
  }

  /** Adds `groups` to the rule's count. */
  async add(businessId: string, ruleId: string, groups: number): Promise<void> {
    await this.redis.hincrby(this.key, `${businessId}/${ruleId}`, groups);
  }

  /** Every count, as `{ businessId, ruleId, groups }`. */
  async read(): Promise<{ businessId: string; ruleId: string; groups: number }[]> {
    const all = await this.redis.hgetall(this.key);
    return Object.entries(all).map(([field, n]) => {
      const cut = field.lastIndexOf('/');
      return { businessId: field.slice(0, cut), ruleId: field.slice(cut + 1), groups: Number(n) };
    });
  }
}
