import { Button, LinearProgress, MenuItem, Stack, TextField, Typography } from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import { SUGGESTION_STATUSES } from '../api/models';
import { oneOf } from '../one-of';
import { useNotifier } from '../components/notifier';
import { Empty, QueryState } from '../components/states';
import { formatTime } from '../format';
import { suggestionKeys } from '../features/suggestions/keys';
import { SuggestionCard } from '../features/suggestions/suggestion-card';
import { useBusinesses } from '../features/businesses/hooks';
import { useLatestProfileRun, useSuggestions, type ProfileRun } from '../features/suggestions/hooks';
import { useCan } from '../features/session/hooks';
import { useOverview } from '../features/dashboard/hooks';

/**
 * What the profiler proposes, per business: rationale, evidence, backtest; accept (optionally edited) or reject with a
 * reason.
 */
export function SuggestionsPage() {
  const canEdit = useCan('edit');
  const [params, setParams] = useSearchParams();
  const businesses = useBusinesses(false);
  const overview = useOverview();
  const pending = new Map((overview.data?.items ?? []).map((o) => [o.businessId, o.pendingSuggestions]));
  // Without a choice in the URL: the business with the most suggestions waiting (the first listed on a tie).
  const busiest = [...(businesses.data?.items ?? [])].sort(
    (a, b) => (pending.get(b.id) ?? 0) - (pending.get(a.id) ?? 0),
  )[0]?.id;
  const businessId = params.get('businessId') ?? (overview.isPending ? '' : (busiest ?? ''));
  const status = oneOf(SUGGESTION_STATUSES, params.get('status') ?? 'pending');
  const qc = useQueryClient();
  const notify = useNotifier();
  const suggestions = useSuggestions(businessId, status);
  const run = useLatestProfileRun(businessId);
  const profile = useMutation({
    mutationFn: () =>
      call<ProfileRun>(api.POST('/businesses/{businessId}/profile', { params: { path: { businessId } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: suggestionKeys.latestRun(businessId) }),
    onError: notify.error,
  });
  const running = run.data && (run.data.status === 'queued' || run.data.status === 'running');
  const [lastDone, setLastDone] = useState<string | null>(null);
  if (run.data?.status === 'done' && run.data.id !== lastDone) {
    setLastDone(run.data.id);
    void qc.invalidateQueries({ queryKey: suggestionKeys.business(businessId) });
  }

  return (
    <Stack spacing={2}>
      <Typography variant="h4" component="h1">
        Suggestions
      </Typography>
      <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <TextField
          select
          size="small"
          label="Business"
          value={businessId}
          onChange={(e) => setParams({ businessId: e.target.value, status })}
          sx={{ minWidth: 220 }}
        >
          {businessId && !(businesses.data?.items ?? []).some((b) => b.id === businessId) && (
            <MenuItem value={businessId}>{businessId}</MenuItem>
          )}
          {(businesses.data?.items ?? []).map((b) => (
            <MenuItem key={b.id} value={b.id}>
              {b.name}
              {pending.get(b.id) ? ` · ${pending.get(b.id)} pending` : ''}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          size="small"
          label="Status"
          value={status}
          onChange={(e) => setParams({ businessId, status: e.target.value })}
          sx={{ minWidth: 140 }}
        >
          {['pending', 'accepted', 'rejected'].map((s) => (
            <MenuItem key={s} value={s}>
              {s}
            </MenuItem>
          ))}
        </TextField>
        <span style={{ flexGrow: 1 }} />
        {run.data && (
          <Typography variant="body2" color="text.secondary">
            Last profiling: {run.data.status} {run.data.finishedAt ? formatTime(run.data.finishedAt) : ''}{' '}
            {run.data.events != null ? `· ${run.data.events} events` : ''} {run.data.error ?? ''}
          </Typography>
        )}
        <Button
          variant="outlined"
          sx={{ display: canEdit ? undefined : 'none' }}
          disabled={!businessId || running || profile.isPending}
          onClick={() => profile.mutate()}
        >
          Profile now
        </Button>
      </Stack>
      {running && <LinearProgress variant="determinate" value={run.data!.progress} aria-label="profiling progress" />}
      {businessId && (
        <QueryState query={suggestions}>
          {(data) =>
            data.items.length === 0 ? (
              <Empty>No {status} suggestions for this business. Profiling runs daily, or now with “Profile now”.</Empty>
            ) : (
              <Stack spacing={2}>
                {data.items.map((s) => (
                  <SuggestionCard key={s.id} suggestion={s} />
                ))}
              </Stack>
            )
          }
        </QueryState>
      )}
    </Stack>
  );
}
