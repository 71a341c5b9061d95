import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { Business, Page } from '../../api/models';
import { businessKeys } from './keys';

/** The businesses (200 at most: the selectors' and the list's page), archived ones too when asked. */
export function useBusinesses(includeArchived: boolean) {
  return useQuery({
    queryKey: businessKeys.list(includeArchived),
    queryFn: () =>
      call<Page<Business>>(
        api.GET('/businesses', {
          params: { query: { includeArchived: includeArchived ? 'true' : 'false', limit: 200 } },
        }),
      ),
  });
}

/** One business with its schema, or nothing while `businessId` is unknown. */
export function useBusiness(businessId: string | undefined) {
  return useQuery({
    queryKey: businessKeys.detail(businessId),
    queryFn: () =>
      call<Business>(api.GET('/businesses/{businessId}', { params: { path: { businessId: businessId! } } })),
    enabled: !!businessId,
  });
}
