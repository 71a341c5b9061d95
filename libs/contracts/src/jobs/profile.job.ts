/**
 * The profile queue: one job per profiling run of a business (on demand or
 * scheduled). Runs are rows in `profile_run`; the job id is the run id, so a
 * run re-enqueued by the sweeper never runs twice at once.
 */
export const PROFILE_QUEUE = 'profile';
export const PROFILE_JOB = 'profile-business';

export interface ProfileJobData {
  runId: string;
  businessId: string;
}

export function profileJobId(runId: string): string {
  return `profile-${runId}`;
}

/** Days of history a run reads. */
export const PROFILE_DAYS = 14;
/** Most events a run reads (the newest are kept). */
export const PROFILE_MAX_EVENTS = 200_000;
/** Noise budget: a suggestion whose backtest fires more often than this per day is not proposed. */
export const NOISE_BUDGET_PER_DAY = 5;
/** How often every live business is profiled. */
export const PROFILE_EVERY_MS = 86_400_000;
/** Maintenance job that queues the scheduled runs. */
export const PROFILE_ALL_JOB = 'profile-all';
export const PROFILE_SCHEDULER_ID = 'profile-all-daily';
