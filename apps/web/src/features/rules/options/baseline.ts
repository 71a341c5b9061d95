import { DIRECTIONS, SEASONALITIES, type Direction, type Seasonality } from '../../../api/models';
import { numericFieldNames } from '../../../fields';
import { oneOf } from '../../../one-of';
import { num, type KindForm } from './types';

/** The baseline inputs ('' window or history: off, or the api's default). */
export interface BaselineDraft {
  field: string;
  sensitivity: string;
  direction: Direction;
  seasonality: Seasonality;
  meanWindow: string;
  volatilityWindow: string;
  historySize: string;
  newExtremesOnly: boolean;
}

/** baseline: the field, the band's sensitivity and side, seasonality, the window statistics, the history. */
export const baselineForm: KindForm<'baseline', BaselineDraft> = {
  defaults: {
    field: '',
    sensitivity: '4',
    direction: 'both',
    seasonality: 'none',
    meanWindow: '',
    volatilityWindow: '',
    historySize: '',
    newExtremesOnly: false,
  },
  fromRule: (r) => ({
    field: r.field,
    sensitivity: String(r.sensitivity),
    direction: r.direction,
    seasonality: r.seasonality,
    meanWindow: r.meanWindow !== undefined ? String(r.meanWindow) : '',
    volatilityWindow: r.volatilityWindow !== undefined ? String(r.volatilityWindow) : '',
    historySize: String(r.historySize),
    newExtremesOnly: r.newExtremesOnly,
  }),
  toBody: (d) => ({
    field: d.field,
    sensitivity: num(d.sensitivity),
    direction: d.direction,
    seasonality: d.seasonality,
    ...(d.meanWindow.trim() ? { meanWindow: num(d.meanWindow) } : {}),
    ...(d.volatilityWindow.trim() ? { volatilityWindow: num(d.volatilityWindow) } : {}),
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
      help: 'robust z-score (MADs); higher is quieter',
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
      key: 'historySize',
      label: 'History',
      pointer: '/historySize',
      placeholder: '500',
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
