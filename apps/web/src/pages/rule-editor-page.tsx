import {
  Alert,
  Autocomplete,
  Box,
  Button,
  FormControlLabel,
  IconButton,
  MenuItem,
  Paper,
  Stack,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  ToggleButton,
  ToggleButtonGroup,
  Tooltip,
  Typography,
} from '@mui/material';
import DeleteIcon from '@mui/icons-material/Delete';
import { BarChart } from '@mui/x-charts/BarChart';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, call } from '../api/client';
import { oneOf } from '../one-of';
import {
  AGGREGATE_FNS,
  COMPARISON_OPS,
  DIRECTIONS,
  RULE_KINDS,
  SEASONALITIES,
  SEVERITIES,
  type BacktestResult,
  type Business,
  type Rule,
  type RuleKind,
  type Severity,
} from '../api/models';
import { ProblemError } from '../api/problem';
import { useNotifier } from '../components/notifier';
import { Loading, QueryState } from '../components/states';
import { keyFieldNames, numericFieldNames } from '../fields';
import { KIND_HELP, draftOf, emptyDraft, toRuleBody, type RuleDraft } from './rule-form';

/** New rule (`/businesses/:businessId/rules/new`) or a new version of one (`/rules/:ruleId/edit`). */
export function RuleEditorPage() {
  const { businessId: newFor, ruleId } = useParams();
  const rule = useQuery({
    queryKey: ['rule', ruleId],
    queryFn: () => call<Rule>(api.GET('/rules/{ruleId}', { params: { path: { ruleId: ruleId! } } })),
    enabled: !!ruleId,
  });
  const businessId = newFor ?? rule.data?.businessId;
  const business = useQuery({
    queryKey: ['business', businessId],
    queryFn: () =>
      call<Business>(api.GET('/businesses/{businessId}', { params: { path: { businessId: businessId! } } })),
    enabled: !!businessId,
  });
  if (ruleId && rule.isPending) return <Loading />;
  return <QueryState query={business}>{(b) => <RuleEditor business={b} rule={rule.data ?? null} />}</QueryState>;
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

function RuleEditor({ business, rule }: { business: Business; rule: Rule | null }) {
  const [d, setD] = useState<RuleDraft>(() => (rule ? draftOf(rule) : emptyDraft()));
  const [days, setDays] = useState(7);
  const set = (patch: Partial<RuleDraft>) => setD((x) => ({ ...x, ...patch }));
  const navigate = useNavigate();
  const notify = useNotifier();
  const qc = useQueryClient();
  // An edit sends null for every kind option left empty, so emptying one clears it (PATCH keeps absent keys).
  const body = toRuleBody(d, rule !== null);
  const debounced = useDebounced(JSON.stringify(toRuleBody(d)), 400);

  // Inline validation: the api checks the whole body against the schema as the person types.
  const validation = useQuery({
    queryKey: ['validate', business.id, debounced],
    queryFn: () =>
      call<unknown>(
        api.POST('/businesses/{businessId}/rules/validate', {
          params: { path: { businessId: business.id } },
          body: JSON.parse(debounced),
        }),
      ),
    enabled: d.name.trim() !== '',
    retry: false,
    staleTime: Infinity,
  });
  const problem = validation.error instanceof ProblemError ? validation.error : null;
  const err = (pointer: string) => problem?.fieldError(pointer);
  const shown = [
    '/name',
    '/condition',
    '/kind',
    '/severity',
    '/groupBy',
    '/cooldown',
    '/resolveAfter',
    '/minCount',
    '/within',
    '/window',
    '/period',
    '/aggregate',
    '/op',
    '/threshold',
    '/expectedGroups',
    '/field',
    '/sensitivity',
    '/escalations',
  ];
  const unplaced =
    problem?.problem.errors?.filter((e) => !shown.some((p) => e.pointer === p || e.pointer.startsWith(`${p}/`))) ?? [];

  const preview = useMutation({
    mutationFn: () =>
      call<BacktestResult>(
        api.POST('/businesses/{businessId}/rules/backtest', {
          params: { path: { businessId: business.id } },
          body: { rule: toRuleBody(d), from: new Date(Date.now() - days * 86_400_000).toISOString() },
        }),
      ),
    onError: notify.error,
  });
  const save = useMutation({
    mutationFn: () =>
      rule
        ? call<Rule>(api.PATCH('/rules/{ruleId}', { params: { path: { ruleId: rule.id } }, body }))
        : call<Rule>(
            api.POST('/businesses/{businessId}/rules', {
              params: { path: { businessId: business.id } },
              body,
            }),
          ),
    onSuccess: (r) => {
      notify.success(`Saved ${r.name} (v${r.version})`);
      void qc.invalidateQueries({ queryKey: ['rules', business.id] });
      void qc.invalidateQueries({ queryKey: ['rule', r.id] });
      navigate(`/businesses/${business.id}?tab=rules`);
    },
    onError: notify.error,
  });

  const fields = business.fields.map((f) => f.name);
  const numeric = numericFieldNames(business.fields);
  const keyFields = keyFieldNames(business.fields);
  const conditionLabel =
    d.kind === 'absence'
      ? 'Condition (optional: which events count as a sign of life)'
      : d.kind === 'aggregate'
        ? 'Filter (optional: which events are aggregated)'
        : 'Condition';

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
              onChange={(e) => set({ kind: e.target.value as RuleKind })}
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
              onChange={(e) => set({ severity: e.target.value as Severity })}
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
          {d.kind === 'sequence' && (
            <Stack direction="row" spacing={2}>
              <TextField
                label="Consecutive events (N)"
                type="number"
                value={d.minCount}
                onChange={(e) => set({ minCount: e.target.value })}
                error={!!err('/minCount')}
                helperText={err('/minCount') ?? 'A{N,}: this many matches in a row'}
              />
              <TextField
                label="Within"
                placeholder="5m"
                value={d.within}
                onChange={(e) => set({ within: e.target.value })}
                error={!!err('/within')}
                helperText={err('/within') ?? 'optional span the N latest must fit in'}
              />
            </Stack>
          )}
          {d.kind === 'absence' && (
            <Stack direction="row" spacing={2}>
              <TextField
                label="Window"
                value={d.window}
                onChange={(e) => set({ window: e.target.value })}
                error={!!err('/window')}
                helperText={err('/window') ?? 'silence that fires, e.g. 20m'}
              />
              <TextField
                label="Expected groups"
                value={d.expectedGroups}
                onChange={(e) => set({ expectedGroups: e.target.value })}
                error={!!err('/expectedGroups')}
                helperText={err('/expectedGroups') ?? 'optional, comma-separated (one groupBy field)'}
                sx={{ flex: 1 }}
              />
            </Stack>
          )}
          {d.kind === 'aggregate' && (
            <Stack direction="row" spacing={2} useFlexGap sx={{ flexWrap: 'wrap' }}>
              <TextField
                select
                label="Function"
                value={d.aggFn}
                onChange={(e) => set({ aggFn: oneOf(AGGREGATE_FNS, e.target.value) })}
                sx={{ width: 150 }}
                error={!!err('/aggregate')}
                helperText={err('/aggregate')}
              >
                {AGGREGATE_FNS.map((f) => (
                  <MenuItem key={f} value={f}>
                    {f}
                  </MenuItem>
                ))}
              </TextField>
              <TextField
                select
                label="Of field"
                value={d.aggField}
                onChange={(e) => set({ aggField: e.target.value })}
                sx={{ width: 180 }}
              >
                <MenuItem value="">
                  <em>events (count)</em>
                </MenuItem>
                {(d.aggFn === 'count_distinct' ? fields : numeric).map((f) => (
                  <MenuItem key={f} value={f}>
                    {f}
                  </MenuItem>
                ))}
              </TextField>
              <TextField
                select
                label="Compared"
                value={d.op}
                onChange={(e) => set({ op: oneOf(COMPARISON_OPS, e.target.value) })}
                sx={{ width: 100 }}
              >
                {COMPARISON_OPS.map((o) => (
                  <MenuItem key={o} value={o}>
                    {o}
                  </MenuItem>
                ))}
              </TextField>
              <TextField
                label="Threshold"
                type="number"
                value={d.threshold}
                onChange={(e) => set({ threshold: e.target.value })}
                error={!!err('/threshold')}
                helperText={err('/threshold')}
                sx={{ width: 130 }}
              />
              <TextField
                select
                label="Over"
                value={d.period || 'window'}
                onChange={(e) =>
                  set({ period: e.target.value === 'window' ? '' : (e.target.value as RuleDraft['period']) })
                }
                sx={{ width: 150 }}
                error={!!err('/period')}
                helperText={err('/period')}
              >
                <MenuItem value="window">a sliding window</MenuItem>
                <MenuItem value="day">the day</MenuItem>
                <MenuItem value="week">the week</MenuItem>
                <MenuItem value="month">the month</MenuItem>
              </TextField>
              {!d.period && (
                <TextField
                  label="Window"
                  value={d.window}
                  onChange={(e) => set({ window: e.target.value })}
                  error={!!err('/window')}
                  helperText={err('/window') ?? 'e.g. 3m'}
                  sx={{ width: 120 }}
                />
              )}
            </Stack>
          )}
          {d.kind === 'baseline' && (
            <Stack direction="row" spacing={2} useFlexGap sx={{ flexWrap: 'wrap' }}>
              <TextField
                select
                label="Field"
                value={d.field}
                onChange={(e) => set({ field: e.target.value })}
                sx={{ width: 200 }}
                error={!!err('/field')}
                helperText={err('/field')}
              >
                {numeric.map((f) => (
                  <MenuItem key={f} value={f}>
                    {f}
                  </MenuItem>
                ))}
              </TextField>
              <TextField
                label="Sensitivity"
                type="number"
                value={d.sensitivity}
                onChange={(e) => set({ sensitivity: e.target.value })}
                error={!!err('/sensitivity')}
                helperText={err('/sensitivity') ?? 'robust z-score (MADs); higher is quieter'}
                sx={{ width: 160 }}
              />
              <TextField
                select
                label="Direction"
                value={d.direction}
                onChange={(e) => set({ direction: oneOf(DIRECTIONS, e.target.value) })}
                sx={{ width: 130 }}
              >
                {DIRECTIONS.map((x) => (
                  <MenuItem key={x} value={x}>
                    {x}
                  </MenuItem>
                ))}
              </TextField>
              <TextField
                select
                label="Seasonality"
                value={d.seasonality}
                onChange={(e) => set({ seasonality: oneOf(SEASONALITIES, e.target.value) })}
                sx={{ width: 160 }}
              >
                {SEASONALITIES.map((x) => (
                  <MenuItem key={x} value={x}>
                    {x}
                  </MenuItem>
                ))}
              </TextField>
              <TextField
                label="Mean of last"
                type="number"
                placeholder="off"
                value={d.meanWindow}
                onChange={(e) => set({ meanWindow: e.target.value })}
                error={!!err('/meanWindow')}
                helperText={err('/meanWindow') ?? 'values: also judge their mean (level shifts)'}
                sx={{ width: 200 }}
              />
              <TextField
                label="Volatility of last"
                type="number"
                placeholder="off"
                value={d.volatilityWindow}
                onChange={(e) => set({ volatilityWindow: e.target.value })}
                error={!!err('/volatilityWindow')}
                helperText={err('/volatilityWindow') ?? 'values: also judge how much they change'}
                sx={{ width: 200 }}
              />
              <TextField
                label="History"
                type="number"
                placeholder="500"
                value={d.historySize}
                onChange={(e) => set({ historySize: e.target.value })}
                error={!!err('/historySize')}
                helperText={err('/historySize') ?? 'values remembered per group'}
                sx={{ width: 180 }}
              />
              <FormControlLabel
                control={
                  <Switch checked={d.newExtremesOnly} onChange={(e) => set({ newExtremesOnly: e.target.checked })} />
                }
                label="New extremes only"
                title={
                  'Only a value beyond every one in the history (by a margin) counts: spiky series alert ' +
                  'only on a spike larger than any before'
                }
              />
            </Stack>
          )}
          <Autocomplete
            multiple
            options={keyFields}
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
          <Typography variant="subtitle2">Escalations</Typography>
          {d.escalations.map((x, i) => (
            <Stack key={i} direction="row" spacing={1}>
              <TextField
                size="small"
                label="When (CEL)"
                value={x.when}
                onChange={(e) =>
                  set({ escalations: d.escalations.map((y, j) => (j === i ? { ...y, when: e.target.value } : y)) })
                }
                error={!!err(`/escalations/${i}`)}
                helperText={err(`/escalations/${i}`)}
                sx={{ flex: 1 }}
                slotProps={{ input: { sx: { fontFamily: 'monospace' } } }}
              />
              <TextField
                size="small"
                select
                label="Severity"
                value={x.severity}
                onChange={(e) =>
                  set({
                    escalations: d.escalations.map((y, j) =>
                      j === i ? { ...y, severity: e.target.value as Severity } : y,
                    ),
                  })
                }
                sx={{ width: 130 }}
              >
                {SEVERITIES.map((s) => (
                  <MenuItem key={s} value={s}>
                    {s}
                  </MenuItem>
                ))}
              </TextField>
              <Tooltip title="Remove escalation">
                <IconButton
                  aria-label={`remove escalation ${i + 1}`}
                  onClick={() => set({ escalations: d.escalations.filter((_y, j) => j !== i) })}
                >
                  <DeleteIcon />
                </IconButton>
              </Tooltip>
            </Stack>
          ))}
          <Button
            sx={{ alignSelf: 'flex-start' }}
            onClick={() => set({ escalations: [...d.escalations, { when: '', severity: 'critical' }] })}
          >
            Add escalation
          </Button>
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

      <Paper sx={{ p: 3 }}>
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
          <Typography variant="h6" component="h2" sx={{ flexGrow: 1 }}>
            Preview
          </Typography>
          <ToggleButtonGroup
            size="small"
            exclusive
            value={days}
            onChange={(_e, v) => v && setDays(v)}
            aria-label="preview days"
          >
            {[1, 3, 7, 14].map((n) => (
              <ToggleButton key={n} value={n}>
                {n} d
              </ToggleButton>
            ))}
          </ToggleButtonGroup>
          <Button variant="outlined" onClick={() => preview.mutate()} disabled={preview.isPending || !d.name.trim()}>
            Preview
          </Button>
        </Stack>
        <Typography variant="body2" color="text.secondary">
          Runs this rule, unsaved, through the engine over the last {days} days of recorded events.
        </Typography>
        {preview.isPending && <Loading label="Backtesting" />}
        {preview.data && (
          <Box data-testid="preview-result" sx={{ mt: 2 }}>
            <Typography>
              <b>{preview.data.alertsTotal}</b> alert{preview.data.alertsTotal === 1 ? '' : 's'} over{' '}
              {preview.data.events} events ({preview.data.matches} matches); {preview.data.resolved} would have
              resolved, {preview.data.open} still open. ({preview.data.ms} ms)
            </Typography>
            {preview.data.perDay.length > 0 && (
              <>
                <BarChart
                  height={200}
                  xAxis={[{ scaleType: 'band', data: preview.data.perDay.map((p) => p.day) }]}
                  series={[{ data: preview.data.perDay.map((p) => p.alerts), label: 'alerts per day' }]}
                />
                <Table size="small" aria-label="alerts per day">
                  <TableHead>
                    <TableRow>
                      <TableCell>Day</TableCell>
                      <TableCell align="right">Alerts</TableCell>
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {preview.data.perDay.map((p) => (
                      <TableRow key={p.day}>
                        <TableCell>{p.day}</TableCell>
                        <TableCell align="right">{p.alerts}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </>
            )}
          </Box>
        )}
      </Paper>
      <Stack direction="row" spacing={1}>
        <Button onClick={() => navigate(-1)}>Cancel</Button>
        <Button
          variant="contained"
          onClick={() => save.mutate()}
          disabled={save.isPending || !d.name.trim() || problem !== null}
        >
          {rule ? 'Save new version' : 'Create rule'}
        </Button>
      </Stack>
    </Stack>
  );
}
