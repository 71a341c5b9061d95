/**
 * The maintenance queue runs scheduled housekeeping (BullMQ job schedulers),
 * so exactly one worker runs each tick however many processes are up.
 */
export const MAINTENANCE_QUEUE = 'maintenance';
/** Re-enqueue ingest batches that are still pending (Redis or a worker was down). */
export const SWEEP_BATCHES_JOB = 'sweep-batches';
export const SWEEP_SCHEDULER_ID = 'sweep-batches-every-10s';
export const SWEEP_EVERY_MS = 10_000;
/** A pending batch younger than this is left alone: its job is probably in flight. */
export const SWEEP_MIN_AGE_MS = 15_000;
/** Enqueue an absence tick for every business with enabled absence rules. */
export const TICK_ABSENCE_JOB = 'tick-absence';
export const TICK_SCHEDULER_ID = 'tick-absence-every-15s';
export const TICK_EVERY_MS = 15_000;
/** Resolve alerts whose condition has been clear for their rule's resolveAfter. */
export const AUTO_RESOLVE_JOB = 'auto-resolve';
export const AUTO_RESOLVE_SCHEDULER_ID = 'auto-resolve-every-10s';
export const AUTO_RESOLVE_EVERY_MS = 10_000;
/** Delete what a business's retention (retentionDays after receipt) lets go: evaluated batches and their events. */
export const RETENTION_JOB = 'apply-retention';
export const RETENTION_SCHEDULER_ID = 'apply-retention-hourly';
export const RETENTION_EVERY_MS = 3_600_000;
