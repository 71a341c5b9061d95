import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { Page, Source } from '../../api/models';
import { sourceKeys } from './keys';

/** A business's ingest sources (tokens shown by prefix only). */
export function useSources(businessId: string) {
  return useQuery({
    queryKey: sourceKeys.list(businessId),
    queryFn: () =>
      call<Page<Source>>(api.GET('/businesses/{businessId}/sources', { params: { path: { businessId } } })),
  });
}
