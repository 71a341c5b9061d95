import type { RuleKind } from '@anom/contracts';
import { absenceKind } from './absence';
import { aggregateKind } from './aggregate';
import { baselineKind } from './baseline';
import { immediateKind } from './immediate';
import type { RuleKindModule } from './kind';
import { sequenceKind } from './sequence';

/**
 * Every rule kind, by name: what the parser (parseRuleDefinition), the engine
 * (evaluateBatch, and through it the backtest) and the forget policy dispatch
 * through. A kind's body is declared in @anom/contracts rules.ts.
 */
export const RULE_KIND_MODULES: { readonly [K in RuleKind]: RuleKindModule<K> } = {
  immediate: immediateKind,
  sequence: sequenceKind,
  absence: absenceKind,
  aggregate: aggregateKind,
  baseline: baselineKind,
};

/** The module of `kind`, typed loosely for callers holding a RuleBody of any kind. */
export function kindModule(kind: RuleKind): RuleKindModule<RuleKind> {
  return RULE_KIND_MODULES[kind] as unknown as RuleKindModule<RuleKind>;
}

export type { RuleKindModule, KindOptions, GroupStep, StepInput, StepOutput, CompiledRuleOf } from './kind';
export { aggregateLabel } from './aggregate';
export { baselineConfig, baselineScores, type BaselineScorePoint } from './baseline';
export type { AbsenceGroupRecord } from './absence';
