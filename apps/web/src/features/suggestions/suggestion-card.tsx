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
  TextField,
  Typography,
} from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { type AcceptedSuggestion, type Rule, type RuleBodyRequest, type Suggestion } from '../../api/models';
import { useNotifier } from '../../components/notifier';
import { formatTime } from '../../format';
import { describeRule } from '../rules/describe';
import { suggestionKeys } from './keys';
import { BacktestChart, SuggestionEvidence } from './suggestion-evidence';
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
        <Stack direction={{ xs: 'column', md: 'row' }} spacing={3} sx={{ alignItems: 'flex-start' }}>
          <Stack spacing={0.5} sx={{ flex: '3 1 0', minWidth: 0, width: '100%' }} data-testid="suggestion-evidence">
            <Typography variant="subtitle2">Evidence</Typography>
            <SuggestionEvidence suggestion={s} />
          </Stack>
          <Stack spacing={0.5} sx={{ flex: '2 1 0', minWidth: 0, width: '100%' }} data-testid="suggestion-backtest">
            <Typography variant="subtitle2">Backtest</Typography>
            <Typography variant="body2">{backtestSentence(s.backtest)}</Typography>
            {s.backtest.perDay.length > 1 && <BacktestChart perDay={s.backtest.perDay} />}
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

/** The backtest in a sentence: `3 alerts over 103,680 events (0.75 per day; 3 would have resolved)`. */
function backtestSentence(b: Suggestion['backtest']): string {
  const alerts = `${b.alerts} alert${b.alerts === 1 ? '' : 's'}`;
  return (
    `${alerts} over ${b.events.toLocaleString()} events (${b.alertsPerDay.toFixed(2)} per day; ` +
    `${b.resolved} would have resolved)`
  );
}
