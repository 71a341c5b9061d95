/**
 * The notify queue: one job per notification (one alert transition for one
 * channel), retried with exponential back-off. Separate from the evaluate
 * queues, so a slow or dead channel never holds up evaluation.
 */
export const NOTIFY_QUEUE = 'notify';
export const NOTIFY_JOB = 'deliver';

export interface NotifyJobData {
  notificationId: string;
}

/** Deterministic job id: the sweeper re-enqueueing a notification never creates a second job. */
export function notifyJobId(notificationId: string): string {
  return `notify-${notificationId}`;
}

/** Delivery attempts per notification before it is marked failed. */
export const NOTIFY_ATTEMPTS = 8;
/** First retry delay (ms); BullMQ's exponential back-off doubles it each attempt (1 s, 2 s, 4 s … ~2 min). */
export const NOTIFY_BACKOFF_MS = 1_000;
/** Time limit of one delivery attempt (ms). */
export const NOTIFY_TIMEOUT_MS = 10_000;
/** Re-enqueue notifications still pending this long after they were queued (ms). */
export const NOTIFY_SWEEP_MIN_AGE_MS = 60_000;
