/** Query keys of a business's ingest sources. */
export const sourceKeys = {
  list: (businessId: string) => ['sources', businessId] as const,
};
