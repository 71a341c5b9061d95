import {
  Alert as Banner,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Grid,
  Link,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link as RouterLink, useParams } from 'react-router';
import { useRule } from '../features/rules/hooks';
import { api, call } from '../api/client';
import type { AlertDetail } from '../api/models';
import { useNotifier } from '../components/notifier';
import { SilenceDialog } from '../components/silence-dialog';
import { SeriesChart } from '../components/series-chart';
import { SeverityChip, StatusChip } from '../components/severity-chip';
import { QueryState } from '../components/states';
import { numericFieldNames } from '../fields';
import { formatGroupKey, formatTime } from '../format';
import { EventsSection, EvidenceSection, NotificationsSection } from '../features/alerts/alert-sections';
import { alertKeys } from '../features/alerts/keys';
import { AnomalyScoreChart } from '../features/alerts/anomaly-score-chart';
import { overviewKeys } from '../features/dashboard/keys';
import { useBusiness } from '../features/businesses/hooks';
import { useAlert } from '../features/alerts/hooks';
import { useEventsByIds } from '../features/events/hooks';
import { useCan } from '../features/session/hooks';

/** One alert: what matched, the events, a chart around it, its history and notifications; acknowledge or resolve. */
export function AlertDetailPage() {
  const { alertId = '' } = useParams();
  const alert = useAlert(alertId);
  return <QueryState query={alert}>{(a) => <AlertView alert={a} />}</QueryState>;
}

function AlertView({ alert: a }: { alert: AlertDetail }) {
  const canRespond = useCan('respond');
  const [action, setAction] = useState<'acknowledge' | 'resolve' | null>(null);
  const [note, setNote] = useState('');
  const [silencing, setSilencing] = useState(false);
  const qc = useQueryClient();
  const notify = useNotifier();
  const business = useBusiness(a.businessId);
  const rule = useRule(a.ruleId);
  const events = useEventsByIds(a.businessId, a.eventIds);
  const move = useMutation({
    mutationFn: (what: 'acknowledge' | 'resolve') =>
      what === 'acknowledge'
        ? call<AlertDetail>(
            api.POST('/alerts/{alertId}/acknowledge', {
              params: { path: { alertId: a.id } },
              body: { note: note || undefined },
            }),
          )
        : call<AlertDetail>(
            api.POST('/alerts/{alertId}/resolve', {
              params: { path: { alertId: a.id } },
              body: { note: note || undefined },
            }),
          ),
    onSuccess: (r) => {
      notify.success(`Alert ${r.status}`);
      setAction(null);
      setNote('');
      void qc.invalidateQueries({ queryKey: alertKeys.all });
      void qc.invalidateQueries({ queryKey: overviewKeys.all });
    },
    onError: notify.error,
  });

  // The chart: the first numeric field of the evidence, for this alert's group, from 30 min before to 30 min after.
  const numericFields = new Set(numericFieldNames(business.data?.fields ?? []));
  const chartField = Object.keys(a.evidence.samples[0]?.values ?? {}).find((k) => numericFields.has(k)) ?? null;
  const [groupField, groupValue] = Object.entries(a.groupKey)[0] ?? [];
  const from = new Date(Date.parse(a.startTime) - 30 * 60_000).toISOString();
  const to = new Date(Math.max(Date.parse(a.endTime), Date.parse(a.startTime)) + 30 * 60_000).toISOString();

  return (
    <Stack spacing={2}>
      <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <SeverityChip severity={a.severity} />
        <StatusChip status={a.status} />
        <Typography variant="h5" component="h1" sx={{ flexGrow: 1 }}>
          {a.summary}
        </Typography>
        {canRespond && (
          <>
            <Button variant="contained" disabled={a.status !== 'open'} onClick={() => setAction('acknowledge')}>
              Acknowledge
            </Button>
            <Button
              variant="outlined"
              color="success"
              disabled={a.status === 'resolved'}
              onClick={() => setAction('resolve')}
            >
              Resolve
            </Button>
            <Button variant="outlined" color="inherit" onClick={() => setSilencing(true)}>
              Silence
            </Button>
          </>
        )}
      </Stack>
      {a.silences.map((s) => (
        <Banner key={s.id} severity="info">
          Notifications muted until {formatTime(s.endsAt)} by {s.createdBy}: “{s.comment}”
        </Banner>
      ))}
      <Typography color="text.secondary">
        <Link component={RouterLink} to={`/businesses/${a.businessId}`}>
          {a.businessId}
        </Link>{' '}
        · rule{' '}
        <Link component={RouterLink} to={`/rules/${a.ruleId}/edit`}>
          {rule.data?.name ?? a.ruleId} v{a.ruleVersion}
        </Link>{' '}
        · {formatGroupKey(a.groupKey)} · {a.count} match{a.count === 1 ? '' : 'es'} · event time{' '}
        {formatTime(a.startTime)} – {formatTime(a.endTime)}
        {a.acknowledgedBy && ` · acknowledged by ${a.acknowledgedBy}${a.note ? `: “${a.note}”` : ''}`}
        {a.resolvedBy && ` · resolved by ${a.resolvedBy}${a.resolveNote ? `: “${a.resolveNote}”` : ''}`}
      </Typography>
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, lg: 7 }} sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
          {chartField ? (
            <SeriesChart
              businessId={a.businessId}
              panel={{
                title: `${chartField} around the alert${groupField ? ` (${groupField}=${String(groupValue)})` : ''}`,
                agg: 'avg',
                field: chartField,
                groupBy: null,
                bucket: null,
                chart: 'line',
                filter: groupField ? { field: groupField, values: [String(groupValue)] } : null,
              }}
              from={from}
              to={to}
              highlight={a.id}
            />
          ) : (
            <SeriesChart
              businessId={a.businessId}
              panel={{
                title: 'Events around the alert',
                agg: 'count',
                field: null,
                groupBy: null,
                bucket: null,
                chart: 'bar',
                filter: groupField ? { field: groupField, values: [String(groupValue)] } : null,
              }}
              from={from}
              to={to}
              highlight={a.id}
            />
          )}
          {rule.data?.kind === 'baseline' && <AnomalyScoreChart alert={a} />}
        </Grid>
        <Grid size={{ xs: 12, lg: 5 }}>
          <Paper sx={{ p: 2 }}>
            <Typography variant="h6" component="h2">
              History
            </Typography>
            <Table size="small" aria-label="history">
              <TableBody>
                {a.history.map((h, i) => (
                  <TableRow key={i}>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatTime(h.at)}</TableCell>
                    <TableCell>
                      {h.fromStatus ?? '—'} → <b>{h.toStatus}</b>
                      {h.severity && ` (${h.severity})`}
                    </TableCell>
                    <TableCell>{h.actor}</TableCell>
                    <TableCell>{h.note}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Paper>
        </Grid>
      </Grid>
      <EvidenceSection alert={a} />
      <EventsSection alert={a} events={events.data?.items ?? null} />
      <NotificationsSection alert={a} />
      <SilenceDialog
        open={silencing}
        onClose={() => setSilencing(false)}
        businessId={a.businessId}
        ruleId={a.ruleId}
        ruleName={rule.data?.name}
        groupKey={a.groupKey}
      />
      <Dialog open={action !== null} onClose={() => setAction(null)} fullWidth maxWidth="sm">
        <DialogTitle>{action === 'acknowledge' ? 'Acknowledge alert' : 'Resolve alert'}</DialogTitle>
        <DialogContent>
          <TextField
            autoFocus
            fullWidth
            multiline
            minRows={2}
            label="Note"
            value={note}
            onChange={(e) => setNote(e.target.value)}
            sx={{ mt: 1 }}
            placeholder={action === 'acknowledge' ? 'Who is on it, what you are checking' : 'What it was'}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setAction(null)}>Cancel</Button>
          <Button variant="contained" onClick={() => action && move.mutate(action)} disabled={move.isPending}>
            {action === 'acknowledge' ? 'Acknowledge' : 'Resolve'}
          </Button>
        </DialogActions>
      </Dialog>
    </Stack>
  );
}
