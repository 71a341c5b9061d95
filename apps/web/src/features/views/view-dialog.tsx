import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  IconButton,
  MenuItem,
  Paper,
  Stack,
  TextField,
  Tooltip,
} from '@mui/material';
import DeleteIcon from '@mui/icons-material/Delete';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { SERIES_AGGREGATIONS, type Business, type View, type ViewPanel } from '../../api/models';
import { oneOf } from '../../one-of';
import { ProblemError } from '../../api/problem';
import { useNotifier } from '../../components/notifier';
import { numericFieldNames, panelGroupFieldNames } from '../../fields';
import { viewKeys } from './keys';

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
export function ViewDialog({
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
