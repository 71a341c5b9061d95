/** Query keys of businesses: invalidate `businessKeys.all` after a change (lists and the business refresh). */
export const businessKeys = {
  all: ['businesses'] as const,
  list: (includeArchived: boolean) => ['businesses', 'list', includeArchived] as const,
  detail: (businessId: string | undefined) => ['businesses', 'detail', businessId] as const,
};
