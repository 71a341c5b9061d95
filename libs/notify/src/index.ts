export * from './notice';
export * from './deliver';
