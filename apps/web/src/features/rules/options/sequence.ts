import { num, type KindForm } from './types';

/** The sequence inputs. */
export interface SequenceDraft {
  minCount: string;
  within: string;
}

/** sequence: how many matches in a row, and the span they must fit in. */
export const sequenceForm: KindForm<'sequence', SequenceDraft> = {
  defaults: { minCount: '3', within: '' },
  fromRule: (r) => ({ minCount: String(r.minCount), within: r.within ?? '' }),
  toBody: (d) => ({ minCount: num(d.minCount), ...(d.within.trim() ? { within: d.within.trim() } : {}) }),
  inputs: [
    {
      type: 'number',
      key: 'minCount',
      label: 'Consecutive events (N)',
      pointer: '/minCount',
      help: 'A{N,}: this many matches in a row',
    },
    {
      type: 'text',
      key: 'within',
      label: 'Within',
      pointer: '/within',
      placeholder: '5m',
      help: 'optional span the N latest must fit in',
    },
  ],
};
