/** Injection token of the validated WorkerConfig. */
export const WORKER_CONFIG = Symbol('WORKER_CONFIG');
/** Redis connection for producers (the sweeper's enqueues). */
export const PRODUCER_REDIS = Symbol('PRODUCER_REDIS');
/** Redis connection for rule state (blocking-free commands only). */
export const STATE_REDIS = Symbol('STATE_REDIS');
