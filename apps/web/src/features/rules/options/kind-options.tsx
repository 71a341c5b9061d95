import { absenceForm } from './absence';
import { aggregateForm } from './aggregate';
import { baselineForm } from './baseline';
import { OptionsPanel } from './options-panel';
import { sequenceForm } from './sequence';
import type { OptionsPanelProps } from './types';

/** The options panel of the draft's kind (immediate has none beyond the condition). */
export function KindOptions(props: OptionsPanelProps) {
  switch (props.d.kind) {
    case 'immediate':
      return null;
    case 'sequence':
      return <OptionsPanel inputs={sequenceForm.inputs} {...props} />;
    case 'absence':
      return <OptionsPanel inputs={absenceForm.inputs} {...props} />;
    case 'aggregate':
      return <OptionsPanel inputs={aggregateForm.inputs} {...props} />;
    case 'baseline':
      return <OptionsPanel inputs={baselineForm.inputs} {...props} />;
  }
}
