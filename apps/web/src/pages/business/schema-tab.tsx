import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  IconButton,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Tooltip,
  Typography,
} from '@mui/material';
import EditIcon from '@mui/icons-material/Edit';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Business, Field } from '../../api/models';
import { ProblemError } from '../../api/problem';
import { ConfirmButton } from '../../components/confirm-dialog';
import { FieldRow, emptyField, toFieldBody, type FieldDraft } from '../../components/field-editor';
import { useNotifier } from '../../components/notifier';
import { businessKeys } from '../../features/businesses/keys';
import { DetailsDialog } from '../../features/businesses/details-dialog';
import { useCan } from '../../features/session/hooks';

/** The schema: fields, event-time field and entity keys; adding or removing a field bumps the schema version. */
export function SchemaTab({ business }: { business: Business }) {
  const qc = useQueryClient();
  const notify = useNotifier();
  const [adding, setAdding] = useState(false);
  const [draft, setDraft] = useState(emptyField());
  const [problem, setProblem] = useState<ProblemError | null>(null);
  const [editingField, setEditingField] = useState<FieldDraft | null>(null);
  const [editingDetails, setEditingDetails] = useState(false);
  const bumped = (after: Business) => {
    notify.success(
      after.schemaVersion !== business.schemaVersion
        ? `Schema v${business.schemaVersion} → v${after.schemaVersion}`
        : `Saved ${after.name}`,
    );
    qc.setQueryData(businessKeys.detail(business.id), after);
    void qc.invalidateQueries({ queryKey: businessKeys.all });
  };
  const add = useMutation({
    mutationFn: () =>
      call<Business>(
        api.POST('/businesses/{businessId}/fields', {
          params: { path: { businessId: business.id } },
          body: toFieldBody(draft),
        }),
      ),
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
  const update = useMutation({
    mutationFn: (f: FieldDraft) => {
      const { name, ...patch } = toFieldBody(f);
      return call<Business>(
        api.PATCH('/businesses/{businessId}/fields/{name}', {
          params: { path: { businessId: business.id, name } },
          body: patch,
        }),
      );
    },
    onSuccess: (after) => {
      bumped(after);
      setEditingField(null);
      setProblem(null);
    },
    onError: (err) => {
      notify.error(err);
      if (err instanceof ProblemError) setProblem(err);
    },
  });
  const remove = useMutation({
    mutationFn: (name: string) =>
      call<Business>(
        api.DELETE('/businesses/{businessId}/fields/{name}', { params: { path: { businessId: business.id, name } } }),
      ),
    onSuccess: bumped,
    onError: notify.error,
  });
  // Changes are offered to editors, on a business that is not archived.
  const canEdit = useCan('edit');
  const editable = !business.archivedAt && canEdit;
  return (
    <Stack spacing={2}>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Typography color="text.secondary" sx={{ flexGrow: 1 }}>
          Event time: <b>{business.timestampField ?? 'receive time'}</b> · Entity keys:{' '}
          <b>{business.entityKeyFields.join(', ') || 'none'}</b> · Time zone: <b>{business.timezone}</b> ·{' '}
          <span>Retention:</span> <b>{business.retentionDays} days</b> · Compression:{' '}
          <b>{business.compressAfterDays === null ? 'never' : `after ${business.compressAfterDays} ` + `days`}</b> ·
          Archive: <b>{business.archive ? 'on' : 'off'}</b>
        </Typography>
        {editable && <Button onClick={() => setEditingDetails(true)}>Edit details</Button>}
      </Stack>
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
                <TableCell>
                  {f.enum
                    ? f.enum.join(', ')
                    : f.min != null || f.max != null
                      ? `${f.min ?? '−∞'} … ${f.max ?? '∞'}`
                      : ''}
                </TableCell>
                <TableCell>{f.description ?? ''}</TableCell>
                <TableCell align="right">
                  {editable && (
                    <Tooltip title="Edit field">
                      <IconButton
                        size="small"
                        aria-label={`edit field ${f.name}`}
                        onClick={() => setEditingField(draftOfField(f))}
                      >
                        <EditIcon fontSize="small" />
                      </IconButton>
                    </Tooltip>
                  )}
                  {editable && (
                    <ConfirmButton
                      icon
                      label={`remove field ${f.name}`}
                      title={`Remove field ${f.name}?`}
                      body={
                        'Stored events keep their values; new events may no longer carry it. Refused while a ' +
                        'live rule uses it.'
                      }
                      confirmLabel="Remove"
                      onConfirm={() => remove.mutate(f.name)}
                    />
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Paper>
      {editable && (
        <Button variant="outlined" sx={{ alignSelf: 'flex-start' }} onClick={() => setAdding(true)}>
          Add field
        </Button>
      )}
      <Dialog open={adding} onClose={() => setAdding(false)} maxWidth="md" fullWidth>
        <DialogTitle>
          Add a field (schema v{business.schemaVersion} → v{business.schemaVersion + 1})
        </DialogTitle>
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
      {editingField && (
        <Dialog open onClose={() => setEditingField(null)} maxWidth="md" fullWidth>
          <DialogTitle>
            Edit field {editingField.name} (schema v{business.schemaVersion} → v{business.schemaVersion + 1})
          </DialogTitle>
          <DialogContent>
            <FieldRow
              index={0}
              value={editingField}
              onChange={(f) => setEditingField({ ...f, name: editingField.name })}
              errorAt={(k) => problem?.fieldError(`/${k}`)}
            />
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setEditingField(null)}>Cancel</Button>
            <Button variant="contained" disabled={update.isPending} onClick={() => update.mutate(editingField)}>
              Save field
            </Button>
          </DialogActions>
        </Dialog>
      )}
      {editingDetails && (
        <DetailsDialog business={business} onClose={() => setEditingDetails(false)} onSaved={bumped} />
      )}
    </Stack>
  );
}

function draftOfField(f: Field): FieldDraft {
  return {
    name: f.name,
    type: f.type,
    required: !!f.required,
    unit: f.unit ?? '',
    enumValues: (f.enum ?? []).join(', '),
    min: f.min != null ? String(f.min) : '',
    max: f.max != null ? String(f.max) : '',
    description: f.description ?? '',
  };
}
