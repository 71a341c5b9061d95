export * from './vocabulary';
export * from './jobs/evaluate.job';
export * from './jobs/maintenance.job';
export * from './jobs/notify.job';
export * from './jobs/profile.job';
export * from './api/responses';
export * from './rules';
