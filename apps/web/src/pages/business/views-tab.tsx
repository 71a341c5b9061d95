import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Grid,
  IconButton,
  MenuItem,
  Paper,
  Stack,
  TextField,
  ToggleButton,
  ToggleButtonGroup,
  Tooltip,
  Typography,
} from '@mui/material';
import DeleteIcon from '@mui/icons-material/Delete';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, call } from '../../api/client';
import { SERIES_AGGREGATIONS, type Business, type Page, type View, type ViewPanel } from '../../api/models';
import { oneOf } from '../../one-of';
import { ProblemError } from '../../api/problem';
import { ConfirmButton } from '../../components/confirm-dialog';
import { useNotifier } from '../../components/notifier';
import { SeriesChart } from '../../components/series-chart';
import { Empty, QueryState } from '../../components/states';
import { numericFieldNames, panelGroupFieldNames } from '../../fields';
import { viewKeys } from '../../features/views/keys';

export const RANGES: Record<string, number> = {
  '1h': 3_600_000,
  '6h': 21_600_000,
  '24h': 86_400_000,
  '3d': 3 * 86_400_000,
  '7d': 7 * 86_400_000,
};

/** The business's views (chart panels as data): pick one and a range; add, edit, remove views. */
export function ViewsTab({ business }: { business: Business }) {
  const [params, setParams] = useSearchParams();
  const range = RANGES[params.get('range') ?? ''] ? (params.get('range') as string) : '6h';
  const views = useQuery({
    queryKey: viewKeys.list(business.id),
    queryFn: () =>
      call<Page<View>>(api.GET('/businesses/{businessId}/views', { params: { path: { businessId: business.id } } })),
  });
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
              {current && <Button onClick={() => setEditing(current)}>Edit view</Button>}
              {current && (
                <ConfirmButton
                  label="Remove view"
                  size="medium"
                  title={`Remove view ${current.name}?`}
                  body="Only the charts go; no data is deleted."
                  confirmLabel="Remove"
                  onConfirm={() => remove.mutate(current)}
                />
              )}
              <Button variant="outlined" onClick={() => setEditing('new')}>
                Add view
              </Button>
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

const emptyPanel = (): ViewPanel => ({
  title: '',
  field: null,
  agg: 'count',
  groupBy: null,
  bucket: null,
  chart: 'line',
  filter: null,
});

/** Create or edit a view: its name and panels (aggregation, field, group, bucket, chart). */
function ViewDialog({
  business,
  view,
  onClose,
  onSaved,
}: {
  business: Business;
  view: View | null;
  onClose: () => void;
  onSaved: (v: View) => void;
}) {
  const [name, setName] = useState(view?.name ?? '');
  const [description, setDescription] = useState(view?.description ?? '');
  const [panels, setPanels] = useState<ViewPanel[]>(view?.panels ?? [emptyPanel()]);
  const [problem, setProblem] = useState<ProblemError | null>(null);
  const notify = useNotifier();
  const qc = useQueryClient();
  const numeric = numericFieldNames(business.fields);
  const groupable = panelGroupFieldNames(business.fields);
  const save = useMutation({
    mutationFn: () => {
      const body = {
        name: name.trim(),
        description,
        panels: panels.map((p) => ({ ...p, title: p.title || undefined })),
      };
      return view
        ? call<View>(api.PATCH('/views/{viewId}', { params: { path: { viewId: view.id } }, body }))
        : call<View>(
            api.POST('/businesses/{businessId}/views', { params: { path: { businessId: business.id } }, body }),
          );
    },
    onSuccess: (v) => {
      notify.success(`Saved view ${v.name}`);
      void qc.invalidateQueries({ queryKey: viewKeys.list(business.id) });
      onSaved(v);
      onClose();
    },
    onError: (err) => {
      notify.error(err);
      if (err instanceof ProblemError) setProblem(err);
    },
  });
  const setPanel = (i: number, patch: Partial<ViewPanel>) =>
    setPanels(panels.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  const err = (p: string) => problem?.fieldError(p);
  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth>
      <DialogTitle>{view ? `Edit view ${view.name}` : 'Add a view'}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          <TextField
            label="Name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            error={!!err('/name')}
            helperText={err('/name')}
          />
          <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} />
          {panels.map((p, i) => (
            <Paper key={i} variant="outlined" sx={{ p: 1.5 }}>
              <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'flex-start', flexWrap: 'wrap' }}>
                <TextField
                  size="small"
                  label="Title"
                  value={p.title}
                  onChange={(e) => setPanel(i, { title: e.target.value })}
                />
                <TextField
                  size="small"
                  select
                  label="Aggregation"
                  value={p.agg}
                  onChange={(e) => setPanel(i, { agg: oneOf(SERIES_AGGREGATIONS, e.target.value) })}
                  sx={{ width: 130 }}
                  error={!!err(`/panels/${i}/agg`)}
                  helperText={err(`/panels/${i}/agg`)}
                >
                  {SERIES_AGGREGATIONS.map((a) => (
                    <MenuItem key={a} value={a}>
                      {a}
                    </MenuItem>
                  ))}
                </TextField>
                <TextField
                  size="small"
                  select
                  label="Field"
                  value={p.field ?? ''}
                  onChange={(e) => setPanel(i, { field: e.target.value || null })}
                  sx={{ width: 180 }}
                  error={!!err(`/panels/${i}/field`)}
                  helperText={err(`/panels/${i}/field`)}
                >
                  <MenuItem value="">
                    <em>none (count events)</em>
                  </MenuItem>
                  {numeric.map((f) => (
                    <MenuItem key={f} value={f}>
                      {f}
                    </MenuItem>
                  ))}
                </TextField>
                <TextField
                  size="small"
                  select
                  label="Group by"
                  value={p.groupBy ?? ''}
                  onChange={(e) => setPanel(i, { groupBy: e.target.value || null })}
                  sx={{ width: 160 }}
                >
                  <MenuItem value="">
                    <em>none</em>
                  </MenuItem>
                  {groupable.map((f) => (
                    <MenuItem key={f} value={f}>
                      {f}
                    </MenuItem>
                  ))}
                </TextField>
                <TextField
                  size="small"
                  label="Bucket"
                  placeholder="auto"
                  value={p.bucket ?? ''}
                  onChange={(e) => setPanel(i, { bucket: e.target.value || null })}
                  sx={{ width: 100 }}
                  error={!!err(`/panels/${i}/bucket`)}
                  helperText={err(`/panels/${i}/bucket`)}
                />
                <TextField
                  size="small"
                  select
                  label="Chart"
                  value={p.chart}
                  onChange={(e) => setPanel(i, { chart: e.target.value as 'line' | 'bar' })}
                  sx={{ width: 100 }}
                >
                  <MenuItem value="line">line</MenuItem>
                  <MenuItem value="bar">bar</MenuItem>
                </TextField>
                {panels.length > 1 && (
                  <Tooltip title="Remove panel">
                    <IconButton
                      aria-label={`remove panel ${i + 1}`}
                      onClick={() => setPanels(panels.filter((_x, j) => j !== i))}
                    >
                      <DeleteIcon />
                    </IconButton>
                  </Tooltip>
                )}
              </Stack>
            </Paper>
          ))}
          <Button sx={{ alignSelf: 'flex-start' }} onClick={() => setPanels([...panels, emptyPanel()])}>
            Add panel
          </Button>
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" disabled={!name.trim() || save.isPending} onClick={() => save.mutate()}>
          Save view
        </Button>
      </DialogActions>
    </Dialog>
  );
}
