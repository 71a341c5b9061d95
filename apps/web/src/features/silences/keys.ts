/** Query keys of silences: invalidate `silenceKeys.business(id)` after one is created or expired. */
export const silenceKeys = {
  business: (businessId: string) => ['silences', businessId] as const,
  list: (businessId: string, state: string) => ['silences', businessId, state] as const,
};
