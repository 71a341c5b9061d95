import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { Page, StoredEvent } from '../../api/models';
import { eventKeys } from './keys';

/** Events per page of the events tab. */
export const PAGE_SIZE = 25;

/** The stored events of `ids` (an alert's, at most 100), fetched only when there are some. */
export function useEventsByIds(businessId: string, ids: readonly string[]) {
  return useQuery({
    queryKey: eventKeys.ids(businessId, [...ids]),
    queryFn: () =>
      call<Page<StoredEvent>>(
        api.GET('/businesses/{businessId}/events', {
          params: { path: { businessId }, query: { ids: [...ids], limit: 100 } },
        }),
      ),
    enabled: ids.length > 0,
  });
}

/**
 * A page of a business's events, newest first, optionally of one entity (keyset `cursor`); the previous page shows
 * while the next loads.
 */
export function useEventPage(businessId: string, entity: string, cursor: string | undefined) {
  return useQuery({
    queryKey: eventKeys.page(businessId, entity, cursor),
    queryFn: () =>
      call<Page<StoredEvent>>(
        api.GET('/businesses/{businessId}/events', {
          params: {
            path: { businessId },
            query: { limit: PAGE_SIZE, cursor, entity: entity || undefined },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}
