/**
 * The evaluate queue: one job per ingested batch, never one per event.
 *
 * Queues are partitioned by business (`evaluate-<n>`), each run with a global
 * concurrency of 1, so one business's batches are evaluated one at a time and
 * in order across every worker process.
 */
export const EVALUATE_QUEUE_BASE = 'evaluate';
export const EVALUATE_JOB = 'evaluate-batch';
/** Absence tick of one business, on its partition queue so it is serialised with its batches. */
export const TICK_JOB = 'tick';

export interface TickJobData {
  businessId: string;
  /** Wall-clock time of the tick (epoch ms). */
  at: number;
}

/** One tick job per business and tick slot. */
export function tickJobId(businessId: string, at: number, everyMs: number): string {
  return `tick-${businessId}-${Math.floor(at / everyMs)}`;
}

export interface EvaluateJobData {
  batchId: string;
  businessId: string;
  /** Request id of the ingest call, for log correlation. */
  requestId?: string;
  /** Events in the batch: what fair scheduling weighs (EvaluateQueues). */
  events?: number;
}

/** Deterministic job id: re-enqueueing a batch (sweeper, retry) never creates a second job. */
export function evaluateJobId(batchId: string): string {
  return `batch-${batchId}`;
}

/**
 * Partition of a business: FNV-1a 32-bit hash of the id, modulo the partition count.
 * Stable across processes and restarts, so a business always lands on the same queue.
 */
export function evaluatePartition(businessId: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < businessId.length; i++) {
    hash ^= businessId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

/** Queue name of a partition. BullMQ queue names may not contain ':'. */
export function evaluateQueueName(partition: number): string {
  return `${EVALUATE_QUEUE_BASE}-${partition}`;
}
