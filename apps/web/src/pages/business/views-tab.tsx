import { Button, Grid, MenuItem, Stack, TextField, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, call } from '../../api/client';
import { type Business, type View } from '../../api/models';
import { ConfirmButton } from '../../components/confirm-dialog';
import { useNotifier } from '../../components/notifier';
import { SeriesChart } from '../../components/series-chart';
import { Empty, QueryState } from '../../components/states';
import { viewKeys } from '../../features/views/keys';
import { ViewDialog } from '../../features/views/view-dialog';
import { useViews } from '../../features/views/hooks';
import { useCan } from '../../features/session/hooks';

export const RANGES: Record<string, number> = {
  '1h': 3_600_000,
  '6h': 21_600_000,
  '24h': 86_400_000,
  '3d': 3 * 86_400_000,
  '7d': 7 * 86_400_000,
};

/** The business's views (chart panels as data): pick one and a range; add, edit, remove views. */
export function ViewsTab({ business }: { business: Business }) {
  const canEdit = useCan('edit');
  const [params, setParams] = useSearchParams();
  const range = RANGES[params.get('range') ?? ''] ? (params.get('range') as string) : '6h';
  const views = useViews(business.id);
  const [editing, setEditing] = useState<View | 'new' | null>(null);
  const notify = useNotifier();
  const qc = useQueryClient();
  // The range ends now, rounded to the minute so the charts' queries stay cached for a minute.
  const { from, to } = useMemo(() => {
    const end = Math.ceil(Date.now() / 60_000) * 60_000;
    return { from: new Date(end - RANGES[range]).toISOString(), to: new Date(end).toISOString() };
  }, [range]);
  const remove = useMutation({
    mutationFn: (v: View) => call<View>(api.DELETE('/views/{viewId}', { params: { path: { viewId: v.id } } })),
    onSuccess: (v) => {
      notify.success(`Removed view ${v.name}`);
      void qc.invalidateQueries({ queryKey: viewKeys.list(business.id) });
    },
    onError: notify.error,
  });
  const set = (patch: Record<string, string>) => setParams({ ...Object.fromEntries(params), tab: 'views', ...patch });

  return (
    <QueryState query={views}>
      {(data) => {
        const current = data.items.find((v) => v.id === params.get('view')) ?? data.items[0];
        return (
          <Stack spacing={2}>
            <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
              {data.items.length > 0 && (
                <TextField
                  select
                  size="small"
                  label="View"
                  value={current?.id ?? ''}
                  onChange={(e) => set({ view: e.target.value })}
                  sx={{ minWidth: 220 }}
                >
                  {data.items.map((v) => (
                    <MenuItem key={v.id} value={v.id}>
                      {v.name}
                    </MenuItem>
                  ))}
                </TextField>
              )}
              <ToggleButtonGroup
                size="small"
                exclusive
                value={range}
                onChange={(_e, v) => v && set({ range: v })}
                aria-label="time range"
              >
                {Object.keys(RANGES).map((r) => (
                  <ToggleButton key={r} value={r}>
                    {r}
                  </ToggleButton>
                ))}
              </ToggleButtonGroup>
              <span style={{ flexGrow: 1 }} />
              {current && canEdit && <Button onClick={() => setEditing(current)}>Edit view</Button>}
              {current && canEdit && (
                <ConfirmButton
                  label="Remove view"
                  size="medium"
                  title={`Remove view ${current.name}?`}
                  body="Only the charts go; no data is deleted."
                  confirmLabel="Remove"
                  onConfirm={() => remove.mutate(current)}
                />
              )}
              {canEdit && (
                <Button variant="outlined" onClick={() => setEditing('new')}>
                  Add view
                </Button>
              )}
            </Stack>
            {!current ? (
              <Empty>No views yet. Add one to chart this business's fields.</Empty>
            ) : (
              <>
                {current.description && <Typography color="text.secondary">{current.description}</Typography>}
                <Grid container spacing={2}>
                  {current.panels.map((p, i) => (
                    <Grid key={`${current.id}-${i}`} size={{ xs: 12, lg: 6 }}>
                      <SeriesChart businessId={business.id} panel={p} from={from} to={to} />
                    </Grid>
                  ))}
                </Grid>
              </>
            )}
            {editing && (
              <ViewDialog
                business={business}
                view={editing === 'new' ? null : editing}
                onClose={() => setEditing(null)}
                onSaved={(v) => set({ view: v.id })}
              />
            )}
          </Stack>
        );
      }}
    </QueryState>
  );
}
