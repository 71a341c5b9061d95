export * from './evaluate-queues';
