/** Query key of the dashboard's per-business figures; alert changes invalidate it. */
export const overviewKeys = {
  all: ['overview'] as const,
};
