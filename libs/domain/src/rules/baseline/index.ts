/**
 * `baseline` rules (model.ts holds the method and its sources): the model, its robust statistics, the learnt daily
 * profile of seasonality auto, and the window statistics.
 */
export * from './types';
export { binOf, exceedance, recordMargin, stepBaseline } from './model';
export { nearestWindowDistance } from './context';
export { scoreValue } from './robust-statistics';
