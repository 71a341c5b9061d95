export * from './notice';
export * from './deliver';
export * from './outbound';
