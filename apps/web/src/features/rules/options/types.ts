import type { Business, RuleBodyRequest, RuleKind, RuleOfKind } from '../../../api/models';
import type { RuleDraft } from '../rule-form';

/** What a kind's options panel gets: the draft, a setter, the api's reason per JSON pointer, the business. */
export interface OptionsPanelProps {
  d: RuleDraft;
  set: (patch: Partial<RuleDraft>) => void;
  err: (pointer: string) => string | undefined;
  business: Business;
}

/** Keys of `D` whose values are of type `V`. */
type KeysOf<D, V> = { [K in keyof D]: D[K] extends V ? K : never }[keyof D] & string;

/** What every input of an options panel says. */
interface InputBase {
  label: string;
  /** The JSON pointer the api names this input's problems with. */
  pointer: string;
  help?: string;
  width?: number;
  /** Shown only when this holds (default: always). */
  visible?: (d: RuleDraft) => boolean;
}

/**
 * One input of a kind's options panel, as data: a text or number field, a
 * switch, or a select whose choices may depend on the draft and the
 * business's fields. OptionsPanel renders them.
 */
export type OptionInput<D> =
  | (InputBase & { type: 'text' | 'number'; key: KeysOf<D, string>; placeholder?: string })
  | (InputBase & { type: 'switch'; key: KeysOf<D, boolean>; title?: string })
  | (InputBase & {
      type: 'select';
      value: (d: D) => string;
      choices: (d: RuleDraft, business: Business) => readonly (string | { value: string; label: string })[];
      /** The draft change a chosen value makes (narrowed to the option's vocabulary). */
      toDraft: (value: string) => Partial<D>;
    });

/**
 * One kind's part of the rule form, in one file: its inputs' state (`D`, as
 * text until sent), their defaults, how a saved rule fills them, how they
 * become the body's options, and the inputs its panel shows. Adding a rule
 * option to the web app is adding it here.
 */
export interface KindForm<K extends RuleKind, D> {
  defaults: D;
  fromRule(r: RuleOfKind<K>): D;
  toBody(d: D): RuleBodyRequest;
  inputs: readonly OptionInput<D>[];
}

/** A number field's value: a number, or undefined when empty or not a number (the api then names it). */
export const num = (s: string): number | undefined =>
  s.trim() !== '' && !Number.isNaN(Number(s)) ? Number(s) : undefined;
