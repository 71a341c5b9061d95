export * from './evaluate-queues';
export * from './redis-state-store';
export * from './notify-queue';
export * from './profile-queue';
export * from './ingest-availability';
export * from './maintenance-schedulers';
export * from './group-limit-counter';
export * from './queue-consumer';
