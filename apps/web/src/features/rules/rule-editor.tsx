import {
  Alert,
  Autocomplete,
  Button,
  FormControlLabel,
  MenuItem,
  Paper,
  Stack,
  Switch,
  TextField,
} from '@mui/material';
import { Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { RULE_KINDS, SEVERITIES, type Business, type Rule } from '../../api/models';
import { ProblemError } from '../../api/problem';
import { keyFieldNames } from '../../fields';
import { oneOf } from '../../one-of';
import { EscalationsEditor } from './escalations-editor';
import { useRuleValidation, useSaveRule } from './hooks';
import { KindOptions } from './options/kind-options';
import { PreviewPanel } from './preview-panel';
import { ALL_FORM_KEYS, KIND_HELP, draftOf, emptyDraft, toRuleBody, type RuleDraft } from './rule-form';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** Pointers the form shows beside an input (the options it has a field for); others are listed under the form. */
const PLACED = [
  '/name',
  '/condition',
  '/kind',
  '/severity',
  '/groupBy',
  '/cooldown',
  '/resolveAfter',
  '/escalations',
  ...ALL_FORM_KEYS.map((k) => `/${k}`),
];

/**
 * A rule's form: the common settings, the options panel of its kind, its
 * escalations, inline validation by the api as the person types, a preview
 * (backtest) and save (a new rule, or a new version of `rule`).
 */
export function RuleEditor({ business, rule }: { business: Business; rule: Rule | null }) {
  const [d, setD] = useState<RuleDraft>(() => (rule ? draftOf(rule) : emptyDraft()));
  const set = (patch: Partial<RuleDraft>) => setD((x) => ({ ...x, ...patch }));
  const navigate = useNavigate();
  // An edit sends null for every kind option left empty, so emptying one clears it (PATCH keeps absent keys).
  const body = toRuleBody(d, rule !== null);
  const debounced = useDebounced(JSON.stringify(toRuleBody(d)), 400);
  // Inline validation: the api checks the whole body against the schema as the person types.
  const validation = useRuleValidation(business.id, debounced, d.name.trim() !== '');
  const problem = validation.error instanceof ProblemError ? validation.error : null;
  const err = (pointer: string) => problem?.fieldError(pointer);
  const unplaced =
    problem?.problem.errors?.filter((e) => !PLACED.some((p) => e.pointer === p || e.pointer.startsWith(`${p}/`))) ?? [];
  const save = useSaveRule(business.id, rule, () => navigate(`/businesses/${business.id}?tab=rules`));
  const conditionLabel =
    d.kind === 'absence'
      ? 'Condition (optional: which events count as a sign of life)'
      : d.kind === 'aggregate'
        ? 'Filter (optional: which events are aggregated)'
        : 'Condition';
  const fields = business.fields.map((f) => f.name);

  return (
    <Stack spacing={2} component="form" onSubmit={(e) => e.preventDefault()} noValidate>
      <Typography variant="h4" component="h1">
        {rule ? `Edit ${rule.name} (v${rule.version} → v${rule.version + 1})` : `New rule for ${business.name}`}
      </Typography>
      <Paper sx={{ p: 3 }}>
        <Stack spacing={2} sx={{ maxWidth: 900 }}>
          <Stack direction={{ xs: 'column', md: 'row' }} spacing={2}>
            <TextField
              label="Name"
              value={d.name}
              onChange={(e) => set({ name: e.target.value })}
              required
              error={!!err('/name')}
              helperText={err('/name')}
              sx={{ flex: 2 }}
              autoFocus
            />
            <TextField
              select
              label="Kind"
              value={d.kind}
              onChange={(e) => set({ kind: oneOf(RULE_KINDS, e.target.value) })}
              sx={{ flex: 1 }}
              helperText={KIND_HELP[d.kind]}
              error={!!err('/kind')}
            >
              {RULE_KINDS.map((k) => (
                <MenuItem key={k} value={k}>
                  {k}
                </MenuItem>
              ))}
            </TextField>
            <TextField
              select
              label="Severity"
              value={d.severity}
              onChange={(e) => set({ severity: oneOf(SEVERITIES, e.target.value) })}
              sx={{ flex: 1 }}
            >
              {SEVERITIES.map((s) => (
                <MenuItem key={s} value={s}>
                  {s}
                </MenuItem>
              ))}
            </TextField>
          </Stack>
          <TextField label="Description" value={d.description} onChange={(e) => set({ description: e.target.value })} />
          {d.kind !== 'baseline' && (
            <TextField
              label={conditionLabel}
              value={d.condition}
              onChange={(e) => set({ condition: e.target.value })}
              error={!!err('/condition')}
              helperText={
                err('/condition') ??
                `CEL over the fields: ${fields.join(', ')}. E.g. heart_rate > 100 && activity_level < 10`
              }
              slotProps={{
                input: { sx: { fontFamily: 'monospace' } },
                htmlInput: { 'aria-label': 'condition', spellCheck: false },
              }}
            />
          )}
          <KindOptions d={d} set={set} err={err} business={business} />
          <Autocomplete
            multiple
            options={keyFieldNames(business.fields)}
            value={d.groupBy}
            onChange={(_e, v) => set({ groupBy: v })}
            renderInput={(p) => (
              <TextField
                {...p}
                label="Group by"
                error={!!err('/groupBy')}
                helperText={err('/groupBy') ?? 'one alert per value (e.g. per user_id)'}
              />
            )}
          />
          <Stack direction="row" spacing={2}>
            <TextField
              label="Cooldown"
              placeholder="10m"
              value={d.cooldown}
              onChange={(e) => set({ cooldown: e.target.value })}
              error={!!err('/cooldown')}
              helperText={err('/cooldown') ?? 'quiet time after a resolve'}
            />
            <TextField
              label="Resolve after"
              placeholder="5m"
              value={d.resolveAfter}
              onChange={(e) => set({ resolveAfter: e.target.value })}
              error={!!err('/resolveAfter')}
              helperText={err('/resolveAfter') ?? 'auto-resolve once clear this long'}
            />
            <FormControlLabel
              control={<Switch checked={d.enabled} onChange={(e) => set({ enabled: e.target.checked })} />}
              label="Enabled"
            />
          </Stack>
          <EscalationsEditor value={d.escalations} onChange={(escalations) => set({ escalations })} err={err} />
          {unplaced.length > 0 && (
            <Alert severity="error">
              {unplaced.map((e) => (
                <div key={e.pointer}>
                  {e.pointer || 'rule'}: {e.detail}
                </div>
              ))}
            </Alert>
          )}
          {validation.isSuccess && (
            <Typography variant="body2" color="success.main" data-testid="rule-valid">
              The rule checks against the schema.
            </Typography>
          )}
        </Stack>
      </Paper>
      <PreviewPanel businessId={business.id} body={toRuleBody(d)} disabled={!d.name.trim()} />
      <Stack direction="row" spacing={1}>
        <Button onClick={() => navigate(-1)}>Cancel</Button>
        <Button
          variant="contained"
          onClick={() => save.mutate(body)}
          disabled={save.isPending || !d.name.trim() || problem !== null}
        >
          {rule ? 'Save new version' : 'Create rule'}
        </Button>
      </Stack>
    </Stack>
  );
}
