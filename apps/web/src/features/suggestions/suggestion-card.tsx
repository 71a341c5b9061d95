import {
  Alert,
  Button,
  Card,
  CardActions,
  CardContent,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { SparkLineChart } from '@mui/x-charts/SparkLineChart';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { type AcceptedSuggestion, type Rule, type RuleBodyRequest, type Suggestion } from '../../api/models';
import { useNotifier } from '../../components/notifier';
import { formatTime } from '../../format';
import { describeRule } from '../rules/describe';
import { suggestionKeys } from './keys';
import { useCan } from '../../features/session/hooks';

export function SuggestionCard({ suggestion: s }: { suggestion: Suggestion }) {
  const canEdit = useCan('edit');
  const qc = useQueryClient();
  const notify = useNotifier();
  const [editing, setEditing] = useState(false);
  const [ruleText, setRuleText] = useState(JSON.stringify(s.rule, null, 2));
  const [parseError, setParseError] = useState<string | null>(null);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const done = () => void qc.invalidateQueries({ queryKey: suggestionKeys.business(s.businessId) });
  const accept = useMutation({
    mutationFn: (rule?: RuleBodyRequest) =>
      call<AcceptedSuggestion>(
        api.POST('/suggestions/{suggestionId}/accept', {
          params: { path: { suggestionId: s.id } },
          body: { rule },
        }),
      ),
    onSuccess: ({ rule }) => {
      notify.success(`Created rule ${rule.name}`);
      setEditing(false);
      done();
    },
    onError: notify.error,
  });
  const reject = useMutation({
    mutationFn: () =>
      call<Suggestion>(
        api.POST('/suggestions/{suggestionId}/reject', { params: { path: { suggestionId: s.id } }, body: { reason } }),
      ),
    onSuccess: () => {
      notify.success('Rejected; it will not be proposed again');
      setRejecting(false);
      done();
    },
    onError: notify.error,
  });
  const acceptEdited = () => {
    try {
      const edited = JSON.parse(ruleText) as RuleBodyRequest;
      setParseError(null);
      accept.mutate(edited);
    } catch (err) {
      setParseError((err as Error).message);
    }
  };
  const rule = s.rule as unknown as Rule;
  return (
    <Card data-testid="suggestion">
      <CardContent>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1 }}>
          <Chip size="small" label={s.kind} />
          <Typography variant="h6" component="h2">
            {String(s.rule.name)}
          </Typography>
        </Stack>
        <Typography sx={{ mb: 1 }}>{s.rationale}</Typography>
        <Typography variant="body2" sx={{ mb: 1 }}>
          <code>{rule.kind ? describeRule({ ...rule, groupBy: rule.groupBy ?? [] }) : ''}</code> · severity{' '}
          {String(s.rule.severity ?? 'medium')}
        </Typography>
        <Stack direction={{ xs: 'column', md: 'row' }} spacing={3}>
          <Table size="small" aria-label="evidence" sx={{ maxWidth: 520 }}>
            <TableBody>
              {Object.entries(s.evidence).map(([k, v]) => (
                <TableRow key={k}>
                  <TableCell>{k}</TableCell>
                  <TableCell>
                    <code>{formatEvidence(v)}</code>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Stack spacing={0.5} sx={{ minWidth: 260 }}>
            <Typography variant="subtitle2">Backtest</Typography>
            <Typography variant="body2">
              {s.backtest.alerts} alert{s.backtest.alerts === 1 ? '' : 's'} over {s.backtest.events} events (
              {s.backtest.alertsPerDay.toFixed(2)} per day; {s.backtest.resolved} would have resolved)
            </Typography>
            {s.backtest.perDay.length > 1 && (
              <SparkLineChart data={s.backtest.perDay.map((p) => p.alerts)} height={40} plotType="bar" />
            )}
          </Stack>
        </Stack>
        {s.status !== 'pending' && (
          <Alert severity={s.status === 'accepted' ? 'success' : 'info'} sx={{ mt: 1 }}>
            {s.status} by {s.decidedBy} {formatTime(s.decidedAt)} {s.reason ? `— ${s.reason}` : ''}
          </Alert>
        )}
        {editing && (
          <TextField
            sx={{ mt: 2 }}
            fullWidth
            multiline
            minRows={6}
            label="Rule (edit before accepting)"
            value={ruleText}
            onChange={(e) => setRuleText(e.target.value)}
            error={parseError !== null}
            helperText={parseError ?? 'Same keys as a rule body; the api checks it when you accept'}
            slotProps={{ input: { sx: { fontFamily: 'monospace', fontSize: 13 } } }}
          />
        )}
      </CardContent>
      {s.status === 'pending' && canEdit && (
        <CardActions>
          {editing ? (
            <Button variant="contained" onClick={acceptEdited} disabled={accept.isPending}>
              Accept edited rule
            </Button>
          ) : (
            <Button variant="contained" onClick={() => accept.mutate(undefined)} disabled={accept.isPending}>
              Accept
            </Button>
          )}
          <Button onClick={() => setEditing(!editing)}>{editing ? 'Cancel edit' : 'Edit first'}</Button>
          <Button color="error" onClick={() => setRejecting(true)}>
            Reject
          </Button>
        </CardActions>
      )}
      <Dialog open={rejecting} onClose={() => setRejecting(false)} fullWidth maxWidth="sm">
        <DialogTitle>Reject suggestion</DialogTitle>
        <DialogContent>
          <TextField
            autoFocus
            fullWidth
            required
            multiline
            label="Reason"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            sx={{ mt: 1 }}
            helperText="Remembered with the suggestion; it is not proposed again"
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setRejecting(false)}>Cancel</Button>
          <Button
            color="error"
            variant="contained"
            disabled={!reason.trim() || reject.isPending}
            onClick={() => reject.mutate()}
          >
            Reject
          </Button>
        </DialogActions>
      </Dialog>
    </Card>
  );
}

/** Evidence values compactly: numbers to 2 decimals, objects as JSON. */
function formatEvidence(v: unknown): string {
  const round = (_k: string, x: unknown) =>
    typeof x === 'number' && !Number.isInteger(x) ? Math.round(x * 100) / 100 : x;
  return typeof v === 'object' && v !== null ? JSON.stringify(v, round) : String(round('', v));
}
