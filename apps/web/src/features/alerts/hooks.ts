import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { Alert, AlertDetail, AlertScores, Page } from '../../api/models';
import type { AlertFilters } from './alert-filters';
import { alertKeys } from './keys';

/** One alert with its history, event ids and notifications. */
export function useAlert(alertId: string) {
  return useQuery({
    queryKey: alertKeys.detail(alertId),
    queryFn: () => call<AlertDetail>(api.GET('/alerts/{alertId}', { params: { path: { alertId } } })),
  });
}

/** A baseline alert's anomaly scores around it (GET /alerts/{id}/scores). */
export function useAlertScores(alertId: string) {
  return useQuery({
    queryKey: alertKeys.scores(alertId),
    queryFn: () => call<AlertScores>(api.GET('/alerts/{alertId}/scores', { params: { path: { alertId } } })),
  });
}

/** The 15 alerts first seen last (the dashboard's feed). */
export function useRecentAlerts() {
  return useQuery({
    queryKey: alertKeys.recent(),
    queryFn: () => call<Page<Alert>>(api.GET('/alerts', { params: { query: { limit: 15 } } })),
  });
}

/** The alerts the filters select, newest first, 50 a page (keyset cursors; `fetchNextPage` for more). */
export function useAlertList(filters: AlertFilters) {
  return useInfiniteQuery({
    queryKey: alertKeys.list(filters),
    queryFn: ({ pageParam }) =>
      call<Page<Alert>>(
        api.GET('/alerts', {
          params: {
            query: {
              businessId: filters.businessId || undefined,
              status: filters.status || undefined,
              severity: filters.severity || undefined,
              ruleId: filters.ruleId || undefined,
              from: toIso(filters.from),
              to: toIso(filters.to),
              cursor: pageParam,
              limit: 50,
            },
          },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** A datetime-local input's value as an ISO instant (undefined when empty). */
function toIso(s: string): string | undefined {
  if (!s) return undefined;
  return Number.isNaN(Date.parse(s)) ? s : new Date(s).toISOString();
}
