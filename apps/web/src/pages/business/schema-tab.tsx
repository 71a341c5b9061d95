import { Button, Dialog, DialogActions, DialogContent, DialogTitle, IconButton, Paper, Stack, Table, TableBody, TableCell, TableHead, TableRow, Tooltip, Typography } from '@mui/material';
import DeleteIcon from '@mui/icons-material/Delete';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Business } from '../../api/models';
import { ProblemError } from '../../api/problem';
import { useConfirm } from '../../components/confirm-dialog';
import { FieldRow, emptyField, toFieldBody } from '../../components/field-editor';
import { useNotifier } from '../../components/notifier';

/** The schema: fields, event-time field and entity keys; adding or removing a field bumps the schema version. */
export function SchemaTab({ business }: { business: Business }) {
  const qc = useQueryClient();
  const notify = useNotifier();
  const confirm = useConfirm();
  const [adding, setAdding] = useState(false);
  const [draft, setDraft] = useState(emptyField());
  const [problem, setProblem] = useState<ProblemError | null>(null);
  const bumped = (after: Business) => {
    notify.success(`Schema v${business.schemaVersion} → v${after.schemaVersion}`);
    qc.setQueryData(['business', business.id], after);
    void qc.invalidateQueries({ queryKey: ['businesses'] });
  };
  const add = useMutation({
    mutationFn: () => call<Business>(api.POST('/businesses/{businessId}/fields', { params: { path: { businessId: business.id } }, body: toFieldBody(draft) as never })),
    onSuccess: (after) => {
      bumped(after);
      setAdding(false);
      setDraft(emptyField());
      setProblem(null);
    },
    onError: (err) => {
      notify.error(err);
      if (err instanceof ProblemError) setProblem(err);
    },
  });
  const remove = useMutation({
    mutationFn: (name: string) => call<Business>(api.DELETE('/businesses/{businessId}/fields/{name}', { params: { path: { businessId: business.id, name } } })),
    onSuccess: bumped,
    onError: notify.error,
  });
  const live = !business.archivedAt;
  return (
    <Stack spacing={2}>
      <Typography color="text.secondary">
        Event time: <b>{business.timestampField ?? 'receive time'}</b> · Entity keys: <b>{business.entityKeyFields.join(', ') || 'none'}</b> · Time zone: <b>{business.timezone}</b> · Retention: <b>{business.retentionDays} days</b>
      </Typography>
      <Paper>
        <Table size="small" aria-label="fields">
          <TableHead>
            <TableRow>
              <TableCell>Field</TableCell>
              <TableCell>Type</TableCell>
              <TableCell>Unit</TableCell>
              <TableCell>Required</TableCell>
              <TableCell>Allowed</TableCell>
              <TableCell>Description</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {business.fields.map((f) => (
              <TableRow key={f.name}>
                <TableCell>
                  <code>{f.name}</code>
                </TableCell>
                <TableCell>{f.type}</TableCell>
                <TableCell>{f.unit ?? ''}</TableCell>
                <TableCell>{f.required ? 'yes' : ''}</TableCell>
                <TableCell>{f.enum ? f.enum.join(', ') : f.min != null || f.max != null ? `${f.min ?? '−∞'} … ${f.max ?? '∞'}` : ''}</TableCell>
                <TableCell>{f.description ?? ''}</TableCell>
                <TableCell align="right">
                  {live && (
                    <Tooltip title="Remove field">
                      <IconButton
                        size="small"
                        aria-label={`remove field ${f.name}`}
                        onClick={async () => {
                          if (await confirm({ title: `Remove field ${f.name}?`, body: 'Stored events keep their values; new events may no longer carry it. Refused while a live rule uses it.', confirmLabel: 'Remove' })) remove.mutate(f.name);
                        }}
                      >
                        <DeleteIcon fontSize="small" />
                      </IconButton>
                    </Tooltip>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Paper>
      {live && (
        <Button variant="outlined" sx={{ alignSelf: 'flex-start' }} onClick={() => setAdding(true)}>
          Add field
        </Button>
      )}
      <Dialog open={adding} onClose={() => setAdding(false)} maxWidth="md" fullWidth>
        <DialogTitle>Add a field (schema v{business.schemaVersion} → v{business.schemaVersion + 1})</DialogTitle>
        <DialogContent>
          <FieldRow index={0} value={draft} onChange={setDraft} errorAt={(k) => problem?.fieldError(`/${k}`)} />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setAdding(false)}>Cancel</Button>
          <Button variant="contained" disabled={!draft.name.trim() || add.isPending} onClick={() => add.mutate()}>
            Add field
          </Button>
        </DialogActions>
      </Dialog>
    </Stack>
  );
}
