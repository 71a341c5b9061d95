import { absenceForm } from './absence';
import { aggregateForm } from './aggregate';
import { baselineForm } from './baseline';
import { sequenceForm } from './sequence';

export { absenceForm, aggregateForm, baselineForm, sequenceForm };
export type { AbsenceDraft } from './absence';
export type { AggregateDraft } from './aggregate';
export type { BaselineDraft } from './baseline';
export type { SequenceDraft } from './sequence';
export type { KindForm, OptionInput, OptionsPanelProps } from './types';
