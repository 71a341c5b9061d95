import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { OverviewItem, Page } from '../../api/models';
import { overviewKeys } from './keys';

/** Per business, the dashboard's figures; refreshed every 15 s. */
export function useOverview() {
  return useQuery({
    queryKey: overviewKeys.all,
    queryFn: () => call<Page<OverviewItem>>(api.GET('/overview')),
    refetchInterval: 15_000,
  });
}
