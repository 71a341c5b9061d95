import {
  Autocomplete,
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  MenuItem,
  Stack,
  TextField,
} from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Business } from '../../api/models';
import { ProblemError } from '../../api/problem';
import { useNotifier } from '../../components/notifier';
import { TIME_ZONES, keyFieldNames } from '../../fields';

/**
 * Name, description, time zone, event-time field and entity keys (the last two change the schema version), and how
 * events are stored: retention, compression age (blank: never) and archiving before retention.
 */
export function DetailsDialog({
  business,
  onClose,
  onSaved,
}: {
  business: Business;
  onClose: () => void;
  onSaved: (b: Business) => void;
}) {
  const [name, setName] = useState(business.name);
  const [description, setDescription] = useState(business.description);
  const [timezone, setTimezone] = useState(business.timezone);
  const [timestampField, setTimestampField] = useState(business.timestampField ?? '');
  const [entityKeys, setEntityKeys] = useState(business.entityKeyFields);
  const [retentionDays, setRetentionDays] = useState(String(business.retentionDays));
  const [compressAfterDays, setCompressAfterDays] = useState(
    business.compressAfterDays === null ? '' : String(business.compressAfterDays),
  );
  const [archive, setArchive] = useState(business.archive);
  const [problem, setProblem] = useState<ProblemError | null>(null);
  const notify = useNotifier();
  const save = useMutation({
    mutationFn: () =>
      call<Business>(
        api.PATCH('/businesses/{businessId}', {
          params: { path: { businessId: business.id } },
          body: {
            name,
            description,
            timezone,
            timestampField: timestampField || null,
            entityKeyFields: entityKeys,
            retentionDays: Number(retentionDays),
            compressAfterDays: compressAfterDays.trim() === '' ? null : Number(compressAfterDays),
            archive,
          },
        }),
      ),
    onSuccess: (b) => {
      onSaved(b);
      onClose();
    },
    onError: (err) => {
      notify.error(err);
      if (err instanceof ProblemError) setProblem(err);
    },
  });
  const err = (p: string) => problem?.fieldError(p);
  return (
    <Dialog open onClose={onClose} maxWidth="sm" fullWidth>
      <DialogTitle>Edit {business.name}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          <TextField
            label="Name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={!!err('/name')}
            helperText={err('/name')}
          />
          <TextField
            label="Description"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            multiline
          />
          <Autocomplete
            options={TIME_ZONES}
            value={timezone}
            onChange={(_e, v) => setTimezone(v ?? 'UTC')}
            renderInput={(p) => (
              <TextField {...p} label="Time zone" error={!!err('/timezone')} helperText={err('/timezone')} />
            )}
          />
          <TextField
            select
            label="Event-time field"
            value={timestampField}
            onChange={(e) => setTimestampField(e.target.value)}
            error={!!err('/timestampField')}
            helperText={err('/timestampField') ?? 'changing it bumps the schema version'}
          >
            <MenuItem value="">
              <em>none (receive time)</em>
            </MenuItem>
            {business.fields
              .filter((f) => f.type === 'timestamp')
              .map((f) => (
                <MenuItem key={f.name} value={f.name}>
                  {f.name}
                </MenuItem>
              ))}
          </TextField>
          <Autocomplete
            multiple
            options={keyFieldNames(business.fields)}
            value={entityKeys}
            onChange={(_e, v) => setEntityKeys(v)}
            renderInput={(p) => (
              <TextField
                {...p}
                label="Entity keys"
                error={!!err('/entityKeyFields')}
                helperText={err('/entityKeyFields')}
              />
            )}
          />
          <Stack direction="row" spacing={2}>
            <TextField
              label="Retention (days)"
              type="number"
              value={retentionDays}
              onChange={(e) => setRetentionDays(e.target.value)}
              error={!!err('/retentionDays')}
              helperText={err('/retentionDays') ?? 'after receipt, once evaluated'}
              sx={{ flex: 1 }}
            />
            <TextField
              label="Compress after (days)"
              type="number"
              value={compressAfterDays}
              onChange={(e) => setCompressAfterDays(e.target.value)}
              error={!!err('/compressAfterDays')}
              helperText={err('/compressAfterDays') ?? 'blank: never'}
              sx={{ flex: 1 }}
            />
          </Stack>
          <FormControlLabel
            control={<Checkbox checked={archive} onChange={(e) => setArchive(e.target.checked)} />}
            label="Archive events before retention deletes them"
          />
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" disabled={!name.trim() || save.isPending} onClick={() => save.mutate()}>
          Save
        </Button>
      </DialogActions>
    </Dialog>
  );
}
