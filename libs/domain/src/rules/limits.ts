/** How much older than the newest event of a group an event may be by default and still be evaluated. */
export const DEFAULT_ALLOWED_LATENESS = '1m';

/**
 * Groups a stateful rule tracks unless it says otherwise. The cost of a batch
 * grows with the groups it touches, not with this; what it bounds is Redis
 * memory and what one source can make a rule watch (an absence rule alerts
 * every silent group it tracks). Prometheus's `sample_limit` per scrape and
 * Grafana Mimir's `max_global_series_per_user` are the same kind of named
 * limit, reached loudly rather than silently.
 */
export const DEFAULT_MAX_GROUPS = 20_000;
export const MAX_MAX_GROUPS = 1_000_000;
/** Idle state expires at the latest after this long (ms): the Redis key TTL. */
export const MAX_FORGET_AFTER_MS = 30 * 86_400_000;
