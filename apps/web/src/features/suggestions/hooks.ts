import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { Page, Suggestion, SuggestionStatus } from '../../api/models';
import { suggestionKeys } from './keys';

/** A profiling run as the api reports it. */
export interface ProfileRun {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: number;
  events: number | null;
  suggestions: number | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** A business's suggestions in `status`, or nothing while the business is unknown. */
export function useSuggestions(businessId: string, status: SuggestionStatus) {
  return useQuery({
    queryKey: suggestionKeys.list(businessId, status),
    queryFn: () =>
      call<Page<Suggestion>>(
        api.GET('/businesses/{businessId}/suggestions', {
          params: { path: { businessId }, query: { status: status } },
        }),
      ),
    enabled: !!businessId,
  });
}

/** The business's newest profiling run (null when none), polled every second while it is queued or running. */
export function useLatestProfileRun(businessId: string) {
  return useQuery({
    queryKey: suggestionKeys.latestRun(businessId),
    queryFn: () =>
      call<ProfileRun | null>(api.GET('/businesses/{businessId}/profile', { params: { path: { businessId } } })).catch(
        () => null,
      ),
    enabled: !!businessId,
    refetchInterval: (q) =>
      q.state.data && (q.state.data.status === 'queued' || q.state.data.status === 'running') ? 1000 : false,
  });
}
