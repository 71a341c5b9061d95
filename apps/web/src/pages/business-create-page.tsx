import {
  Alert,
  Autocomplete,
  Box,
  Button,
  MenuItem,
  Paper,
  Stack,
  Step,
  StepLabel,
  Stepper,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, call } from '../api/client';
import type { Business } from '../api/models';
import { ProblemError } from '../api/problem';
import { AddFieldButton, FieldRow, emptyField, toFieldBody, type FieldDraft } from '../components/field-editor';
import { useNotifier } from '../components/notifier';
import { TIME_ZONES, keyFieldNames } from '../fields';
import { businessKeys } from '../features/businesses/keys';

const STEPS = ['Basics', 'Fields', 'Event time and entities', 'Review'];

/** `Camel route monitoring` -> `camel-route-monitoring`. */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}

/** Which wizard step holds the part of the body a pointer names. */
function stepOf(pointer: string): number {
  if (pointer.startsWith('/fields')) return 1;
  if (pointer.startsWith('/timestampField') || pointer.startsWith('/entityKeyFields')) return 2;
  return 0;
}

/** The create-business wizard: basics, fields, event time and entity keys, review. */
export function BusinessCreatePage() {
  const [step, setStep] = useState(0);
  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const [idTouched, setIdTouched] = useState(false);
  const [description, setDescription] = useState('');
  const [timezone, setTimezone] = useState('UTC');
  const [fields, setFields] = useState<FieldDraft[]>([
    { ...emptyField(), name: 'timestamp', type: 'timestamp', required: true },
  ]);
  const [timestampField, setTimestampField] = useState('timestamp');
  const [entityKeys, setEntityKeys] = useState<string[]>([]);
  const [problem, setProblem] = useState<ProblemError | null>(null);
  const navigate = useNavigate();
  const notify = useNotifier();
  const qc = useQueryClient();
  const slug = idTouched ? id : slugify(name);
  const named = fields.map((f) => f.name.trim()).filter(Boolean);
  const timestampCandidates = useMemo(
    () => fields.filter((f) => f.type === 'timestamp' && f.name.trim()).map((f) => f.name.trim()),
    [fields],
  );
  const keyCandidates = keyFieldNames(fields.map((f) => ({ name: f.name.trim(), type: f.type }))).filter(Boolean);

  const create = useMutation({
    mutationFn: () =>
      call<Business>(
        api.POST('/businesses', {
          body: {
            id: slug,
            name: name.trim(),
            description: description.trim() || undefined,
            timezone,
            fields: fields.map(toFieldBody),
            timestampField: timestampField || null,
            entityKeyFields: entityKeys,
          },
        }),
      ),
    onSuccess: (b) => {
      notify.success(`Created ${b.name} (schema v${b.schemaVersion})`);
      void qc.invalidateQueries({ queryKey: businessKeys.all });
      navigate(`/businesses/${b.id}`);
    },
    onError: (err) => {
      notify.error(err);
      if (err instanceof ProblemError) {
        setProblem(err);
        const first = err.problem.errors?.[0];
        if (first) setStep(stepOf(first.pointer));
      }
    },
  });
  const errorAt = (pointer: string) => problem?.fieldError(pointer);

  const canNext = [name.trim() !== '' && slug !== '', named.length > 0 && named.length === fields.length, true, true][
    step
  ];

  return (
    <Stack
      spacing={3}
      component="form"
      noValidate
      onSubmit={(e) => {
        // Enter moves on a step (keyboard use); on the last step it creates.
        e.preventDefault();
        if (step < STEPS.length - 1) {
          if (canNext) setStep(step + 1);
        } else if (!create.isPending) create.mutate();
      }}
    >
      <Typography variant="h4" component="h1">
        New business
      </Typography>
      <Stepper activeStep={step}>
        {STEPS.map((s) => (
          <Step key={s}>
            <StepLabel>{s}</StepLabel>
          </Step>
        ))}
      </Stepper>
      <Paper sx={{ p: 3 }}>
        {step === 0 && (
          <Stack spacing={2} sx={{ maxWidth: 560 }}>
            <TextField
              label="Name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
              autoFocus
              error={!!errorAt('/name')}
              helperText={errorAt('/name') ?? 'What people call it, e.g. "Camel route monitoring"'}
            />
            <TextField
              label="Id"
              value={slug}
              onChange={(e) => {
                setIdTouched(true);
                setId(e.target.value);
              }}
              required
              error={!!errorAt('/id')}
              helperText={
                errorAt('/id') ??
                `Used in URLs: POST /ingest/${slug || '<id>'}. Lowercase letters, digits and dashes; never reused.`
              }
            />
            <TextField
              label="Description"
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              multiline
              minRows={2}
            />
            <Autocomplete
              options={TIME_ZONES}
              value={timezone}
              onChange={(_e, v) => setTimezone(v ?? 'UTC')}
              renderInput={(p) => (
                <TextField
                  {...p}
                  label="Time zone"
                  helperText={errorAt('/timezone') ?? 'Calendar periods (day, week, month) of aggregate rules use it'}
                  error={!!errorAt('/timezone')}
                />
              )}
            />
          </Stack>
        )}
        {step === 1 && (
          <Stack spacing={1.5}>
            <Typography color="text.secondary">
              Each event is a JSON object with these fields. Conditions of rules name them directly.
            </Typography>
            {fields.map((f, i) => (
              <FieldRow
                key={i}
                index={i}
                value={f}
                onChange={(nf) => setFields(fields.map((x, j) => (j === i ? nf : x)))}
                onRemove={fields.length > 1 ? () => setFields(fields.filter((_x, j) => j !== i)) : undefined}
                errorAt={(k) => errorAt(`/fields/${i}/${k}`)}
              />
            ))}
            {errorAt('/fields') && <Alert severity="error">{errorAt('/fields')}</Alert>}
            <AddFieldButton onClick={() => setFields([...fields, emptyField()])} />
          </Stack>
        )}
        {step === 2 && (
          <Stack spacing={2} sx={{ maxWidth: 560 }}>
            <TextField
              select
              label="Event-time field"
              value={timestampField}
              onChange={(e) => setTimestampField(e.target.value)}
              error={!!errorAt('/timestampField')}
              helperText={
                errorAt('/timestampField') ??
                'Rules run on event time; without one, the time the api received the event is used'
              }
            >
              <MenuItem value="">
                <em>none (receive time)</em>
              </MenuItem>
              {timestampCandidates.map((f) => (
                <MenuItem key={f} value={f}>
                  {f}
                </MenuItem>
              ))}
            </TextField>
            <Autocomplete
              multiple
              options={keyCandidates}
              value={entityKeys}
              onChange={(_e, v) => setEntityKeys(v)}
              renderInput={(p) => (
                <TextField
                  {...p}
                  label="Entity keys"
                  error={!!errorAt('/entityKeyFields')}
                  helperText={
                    errorAt('/entityKeyFields') ??
                    'What an event is about (user_id, service): events are listed and profiled per entity'
                  }
                />
              )}
            />
          </Stack>
        )}
        {step === 3 && (
          <Stack spacing={2} aria-label="business definition" role="region">
            <Typography>
              <b>{name}</b> <code>{slug}</code>
              {description && <> — {description}</>}
            </Typography>
            <Typography color="text.secondary">
              Time zone <b>{timezone}</b> · event time from <b>{timestampField || 'the time received'}</b>
              {' · entity keys '}
              <b>{entityKeys.length ? entityKeys.join(', ') : 'none'}</b>
            </Typography>
            <Box sx={{ overflowX: 'auto' }}>
              <Table size="small" aria-label="fields to create">
                <TableHead>
                  <TableRow>
                    <TableCell>Field</TableCell>
                    <TableCell>Type</TableCell>
                    <TableCell>Required</TableCell>
                    <TableCell>Unit</TableCell>
                    <TableCell>Allowed</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {fields.map(toFieldBody).map((f) => (
                    <TableRow key={f.name}>
                      <TableCell>{f.name}</TableCell>
                      <TableCell>{f.type}</TableCell>
                      <TableCell>{f.required ? 'yes' : 'no'}</TableCell>
                      <TableCell>{f.unit ?? ''}</TableCell>
                      <TableCell>
                        {f.enum?.join(', ') ??
                          (f.min != null || f.max != null ? `${f.min ?? '−∞'} … ${f.max ?? '∞'}` : '')}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </Box>
          </Stack>
        )}
      </Paper>
      <Stack direction="row" spacing={1}>
        <Button disabled={step === 0} onClick={() => setStep(step - 1)}>
          Back
        </Button>
        {step < STEPS.length - 1 ? (
          <Button type="submit" variant="contained" disabled={!canNext}>
            Next
          </Button>
        ) : (
          <Button type="submit" variant="contained" disabled={create.isPending}>
            Create business
          </Button>
        )}
      </Stack>
    </Stack>
  );
}
