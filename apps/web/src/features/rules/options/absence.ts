import type { KindForm } from './types';

/** The absence inputs (`window` is shared with aggregate's). */
export interface AbsenceDraft {
  window: string;
  /** Comma-separated. */
  expectedGroups: string;
}

/** absence: the silence that fires, and the groups expected to report. */
export const absenceForm: KindForm<'absence', AbsenceDraft> = {
  defaults: { window: '5m', expectedGroups: '' },
  fromRule: (r) => ({ window: r.window, expectedGroups: (r.expectedGroups ?? []).join(', ') }),
  toBody: (d) => {
    const groups = d.expectedGroups
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    return { window: d.window.trim(), ...(groups.length ? { expectedGroups: groups } : {}) };
  },
  inputs: [
    { type: 'text', key: 'window', label: 'Window', pointer: '/window', help: 'silence that fires, e.g. 20m' },
    {
      type: 'text',
      key: 'expectedGroups',
      label: 'Expected groups',
      pointer: '/expectedGroups',
      help: 'optional, comma-separated (one groupBy field)',
      width: 320,
    },
  ],
};
