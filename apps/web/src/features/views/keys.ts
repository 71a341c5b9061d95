/** Query keys of views and the series their panels draw. */
export const viewKeys = {
  list: (businessId: string) => ['views', businessId] as const,
  series: (businessId: string, panel: object, from: string, to: string) =>
    ['series', businessId, panel, from, to] as const,
};
