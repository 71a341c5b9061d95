/**
 * `baseline` rules (model.ts holds the method and its sources): the model, its robust statistics, the learnt daily
 * profile of seasonality auto, and the window statistics.
 */
export * from './types';
export { binOf, recordMargin, stepBaseline } from './model';
export { scoreValue } from './robust-statistics';
