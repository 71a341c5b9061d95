import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { Page, Series, View, ViewPanel } from '../../api/models';
import { viewKeys } from './keys';

/** A business's views (chart panels as data). */
export function useViews(businessId: string) {
  return useQuery({
    queryKey: viewKeys.list(businessId),
    queryFn: () => call<Page<View>>(api.GET('/businesses/{businessId}/views', { params: { path: { businessId } } })),
  });
}

/** One panel's series over [from, to) (ISO instants): an aggregation per time bucket, per group. */
export function useSeries(
  businessId: string,
  panel: Omit<ViewPanel, 'title'> & { title?: string },
  from: string,
  to: string,
) {
  return useQuery({
    queryKey: viewKeys.series(businessId, panel, from, to),
    queryFn: () =>
      call<Series>(
        api.GET('/businesses/{businessId}/series', {
          params: {
            path: { businessId },
            query: {
              agg: panel.agg,
              field: panel.field ?? undefined,
              groupBy: panel.groupBy ?? undefined,
              bucket: panel.bucket ?? undefined,
              from,
              to,
              filterField: panel.filter?.field,
              filterValues: panel.filter?.values.join(','),
            },
          },
        }),
      ),
  });
}
