import type { InputErrorDetail, RuleCommon, RuleKind, RuleOfKind } from '@anom/contracts';
import type { FieldDefinition } from '../../schema/business-schema';
import { severityOf, type CompiledRule, type RuleGroup } from '../compile-rule';
import type { EvaluationEvent, RuleMatch } from '../evaluate-immediate';

/** A kind's options: its body beyond RuleCommon. */
export type KindOptions<K extends RuleKind> = Omit<RuleOfKind<K>, keyof RuleCommon | 'kind'>;

/** What a kind's parser reads and where it reports: problems carry a JSON pointer into the body. */
export interface ParseContext {
  body: Record<string, unknown>;
  fields: readonly FieldDefinition[];
  /** The rule's checked groupBy fields. */
  groupBy: readonly string[];
  errors: InputErrorDetail[];
}

/** One event of a group, as a stateful kind's step sees it. */
export interface StepInput {
  e: EvaluationEvent;
  /** The group's state key. */
  key: string;
  group: RuleGroup;
  /** Whether the rule's condition holds for the event (true without a condition). */
  holds: boolean;
  /** Event time (epoch ms). */
  t: number;
  /** Event time clamped to its receipt: what moves the group's watermark. */
  wt: number;
}

/** Where a step reports: matches, the end of an episode, events too late to evaluate. */
export interface StepOutput {
  matches: RuleMatch[];
  clears: { ruleId: string; fingerprint: string; t: Date }[];
  late: { ruleId: string; eventId: string }[];
}

/** One event's step over one group's state: returns the group's new state. */
export type GroupStep = (state: unknown, input: StepInput, out: StepOutput) => unknown;

/** A compiled rule whose definition is of kind `K`. */
export type CompiledRuleOf<K extends RuleKind> = CompiledRule & { readonly definition: RuleOfKind<K> };

/**
 * One rule kind, as the parser, the engine and the backtest dispatch to it
 * (RULE_KIND_MODULES). Adding a kind is adding a module and its line in the
 * table (and its body in @anom/contracts rules.ts).
 */
export interface RuleKindModule<K extends RuleKind> {
  kind: K;
  /** Whether the condition may be left out (null: every event counts). */
  conditionOptional: boolean;
  /** Whether the kind keeps state per group (every kind but immediate). */
  stateful: boolean;
  /** Parses and checks the kind's options (RULE_KIND_OPTIONS[kind]) from the body; never throws. */
  parse(ctx: ParseContext): KindOptions<K>;
  /** How long (ms) a group may stay untouched before its state is forgotten, unless the rule says (forgetAfter). */
  defaultForgetAfterMs(d: RuleOfKind<K>): number;
  /** Stateful kinds: the per-event step of a compiled rule, with its config built once. */
  step?(rule: CompiledRuleOf<K>, allowedLatenessMs: number): GroupStep;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * Reports the signals of one event's step: a late event, the end of an
 * episode at the event's time, or a match of the event whose evidence
 * `values` gives (severity raised by the rule's escalations). The shared
 * signal shape of the aggregate and baseline kinds.
 */
export function reportEventSignals<M extends { type: 'match' }>(
  rule: CompiledRule,
  input: Pick<StepInput, 'e' | 'group'>,
  signals: readonly ({ type: 'late'; id: string } | { type: 'clear' } | M)[],
  out: StepOutput,
  values: (match: M) => Record<string, unknown>,
): void {
  const { e, group } = input;
  for (const s of signals) {
    if (s.type === 'late') out.late.push({ ruleId: rule.ruleId, eventId: s.id });
    else if (s.type === 'clear')
      out.clears.push({ ruleId: rule.ruleId, fingerprint: group.fingerprint, t: e.eventTime });
    else
      out.matches.push({
        ruleId: rule.ruleId,
        ruleVersion: rule.version,
        fingerprint: group.fingerprint,
        groupKey: group.groupKey,
        eventId: e.id,
        eventTime: e.eventTime,
        severity: severityOf(rule, e.payload),
        values: values(s),
      });
  }
}
