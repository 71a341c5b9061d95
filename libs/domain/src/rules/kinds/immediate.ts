import { MAX_FORGET_AFTER_MS } from '../limits';
import type { RuleKindModule } from './kind';

/** `immediate`: one event satisfies the condition (evaluateImmediate; no state, no options). */
export const immediateKind: RuleKindModule<'immediate'> = {
  kind: 'immediate',
  conditionOptional: false,
  stateful: false,
  parse: () => ({}),
  defaultForgetAfterMs: () => MAX_FORGET_AFTER_MS,
};
