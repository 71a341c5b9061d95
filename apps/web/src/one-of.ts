/**
 * A select's value as one of `values`: the select offers only those, so
 * anything else (never expected) falls back to the first. Narrows the
 * string an input event carries to the vocabulary's type.
 */
export function oneOf<T extends string>(values: readonly T[], v: string): T {
  return values.find((x) => x === v) ?? values[0];
}
