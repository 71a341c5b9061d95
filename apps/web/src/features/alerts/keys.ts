/** Query keys of alerts: invalidate `alertKeys.all` after any alert change (every list and detail refreshes). */
export const alertKeys = {
  all: ['alerts'] as const,
  list: (filters: object) => ['alerts', 'list', filters] as const,
  recent: () => ['alerts', 'recent'] as const,
  detail: (alertId: string | undefined) => ['alerts', 'detail', alertId] as const,
  scores: (alertId: string) => ['alerts', 'detail', alertId, 'scores'] as const,
};
