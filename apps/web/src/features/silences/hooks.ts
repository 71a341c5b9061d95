import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { Page, Silence } from '../../api/models';
import { silenceKeys } from './keys';

/** A business's silences in `state` (comma-separated: active, pending, expired). */
export function useSilences(businessId: string, state: string) {
  return useQuery({
    queryKey: silenceKeys.list(businessId, state),
    queryFn: () =>
      call<Page<Silence>>(
        api.GET('/businesses/{businessId}/silences', {
          params: { path: { businessId }, query: { state } },
        }),
      ),
  });
}
