/**
 * The query keys of rules, in one place: a list per business, one rule, an
 * inline validation of a body. Invalidate `ruleKeys.list(businessId)` after a
 * change to a business's rules.
 */
export const ruleKeys = {
  list: (businessId: string | undefined) => ['rules', businessId] as const,
  detail: (ruleId: string | undefined) => ['rule', ruleId] as const,
  validation: (businessId: string, body: string) => ['rules', businessId, 'validate', body] as const,
};
