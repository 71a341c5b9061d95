/** Query keys of stored events: a page of a business's events, or the events of an alert. */
export const eventKeys = {
  page: (businessId: string, entity: string, cursor: string | null | undefined) =>
    ['events', businessId, entity, cursor] as const,
  ids: (businessId: string, ids: readonly string[]) => ['events', businessId, 'ids', ids] as const,
};
