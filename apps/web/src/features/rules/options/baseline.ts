import { BASELINE_DEFAULTS, DIRECTIONS, SEASONALITIES, type Direction, type Seasonality } from '../../../api/models';
import { numericFieldNames } from '../../../fields';
import { oneOf } from '../../../one-of';
import { num, type KindForm } from './types';

/** The baseline inputs ('' window: off; '' history or quiet period: the api's default). */
export interface BaselineDraft {
  field: string;
  sensitivity: string;
  direction: Direction;
  seasonality: Seasonality;
  meanWindow: string;
  volatilityWindow: string;
  contextWindow: string;
  quietPeriod: string;
  historySize: string;
  newExtremesOnly: boolean;
}

const D = BASELINE_DEFAULTS;
/** A stored window: its value, or '' when off (null, or absent in rules stored before windows had defaults). */
const windowText = (k: number | null | undefined) => (k === undefined || k === null ? '' : String(k));
/** A window input: its number, or null (off) when empty. */
const windowValue = (text: string) => (text.trim() ? num(text) : null);

/** baseline: the field, the band's sensitivity and side, seasonality, the window statistics, the history. */
export const baselineForm: KindForm<'baseline', BaselineDraft> = {
  // A new rule starts at the baseline defaults: the settings the NAB benchmark's protocol chose.
  defaults: {
    field: '',
    sensitivity: String(D.sensitivity),
    direction: 'both',
    seasonality: D.seasonality,
    meanWindow: String(D.meanWindow),
    volatilityWindow: String(D.volatilityWindow),
    contextWindow: String(D.contextWindow),
    quietPeriod: String(D.quietPeriod),
    historySize: String(D.historySize),
    newExtremesOnly: D.newExtremesOnly,
  },
  fromRule: (r) => ({
    field: r.field,
    sensitivity: String(r.sensitivity),
    direction: r.direction,
    seasonality: r.seasonality,
    meanWindow: windowText(r.meanWindow),
    volatilityWindow: windowText(r.volatilityWindow),
    contextWindow: windowText(r.contextWindow),
    quietPeriod: String(r.quietPeriod ?? 0),
    historySize: String(r.historySize),
    newExtremesOnly: r.newExtremesOnly,
  }),
  toBody: (d) => ({
    field: d.field,
    sensitivity: num(d.sensitivity),
    direction: d.direction,
    seasonality: d.seasonality,
    meanWindow: windowValue(d.meanWindow),
    volatilityWindow: windowValue(d.volatilityWindow),
    contextWindow: windowValue(d.contextWindow),
    ...(d.quietPeriod.trim() ? { quietPeriod: num(d.quietPeriod) } : {}),
    ...(d.historySize.trim() ? { historySize: num(d.historySize) } : {}),
    newExtremesOnly: d.newExtremesOnly,
  }),
  inputs: [
    {
      type: 'select',
      label: 'Field',
      pointer: '/field',
      width: 200,
      value: (d) => d.field,
      choices: (_d, business) => numericFieldNames(business.fields),
      toDraft: (v) => ({ field: v }),
    },
    {
      type: 'number',
      key: 'sensitivity',
      label: 'Sensitivity',
      pointer: '/sensitivity',
      help: 'robust z-score (MADs); higher is quieter; the anomaly score passes 0.5 there',
      width: 160,
    },
    {
      type: 'select',
      label: 'Direction',
      pointer: '/direction',
      width: 130,
      value: (d) => d.direction,
      choices: () => DIRECTIONS,
      toDraft: (v) => ({ direction: oneOf(DIRECTIONS, v) }),
    },
    {
      type: 'select',
      label: 'Seasonality',
      pointer: '/seasonality',
      width: 160,
      value: (d) => d.seasonality,
      choices: () => SEASONALITIES,
      toDraft: (v) => ({ seasonality: oneOf(SEASONALITIES, v) }),
    },
    {
      type: 'number',
      key: 'meanWindow',
      label: 'Mean of last',
      pointer: '/meanWindow',
      placeholder: 'off',
      help: 'values: also judge their mean (level shifts)',
      width: 200,
    },
    {
      type: 'number',
      key: 'volatilityWindow',
      label: 'Volatility of last',
      pointer: '/volatilityWindow',
      placeholder: 'off',
      help: 'values: also judge how much they change',
      width: 200,
    },
    {
      type: 'number',
      key: 'contextWindow',
      label: 'Sequence of last',
      pointer: '/contextWindow',
      placeholder: 'off',
      help: 'values: also judge how unlike earlier sequences they are',
      width: 200,
    },
    {
      type: 'number',
      key: 'quietPeriod',
      label: 'Quiet period',
      pointer: '/quietPeriod',
      placeholder: String(D.quietPeriod),
      help: 'values after an anomaly that open no new alert',
      width: 180,
    },
    {
      type: 'number',
      key: 'historySize',
      label: 'History',
      pointer: '/historySize',
      placeholder: String(D.historySize),
      help: 'values remembered per group',
      width: 180,
    },
    {
      type: 'switch',
      key: 'newExtremesOnly',
      label: 'New extremes only',
      pointer: '/newExtremesOnly',
      title:
        'Only a value beyond every one in the history (by a margin) counts: spiky series alert ' +
        'only on a spike larger than any before',
    },
  ],
};
