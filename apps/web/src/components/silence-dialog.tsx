import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  MenuItem,
  Stack,
  TextField,
  Typography,
} from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../api/client';
import type { Silence } from '../api/models';
import { formatGroupKey } from '../format';
import { useNotifier } from './notifier';
import { alertKeys } from '../features/alerts/keys';
import { silenceKeys } from '../features/silences/keys';

const DURATIONS = [
  ['1h', '1 hour'],
  ['2h', '2 hours'],
  ['4h', '4 hours'],
  ['8h', '8 hours'],
  ['1d', '1 day'],
  ['7d', '1 week'],
] as const;

/**
 * Creates a silence from now for a chosen duration: notifications of the
 * alerts it matches are muted (the alerts still show). Scoped to `ruleId`
 * and `groupKey` when given (from an alert), else to the whole business.
 */
export function SilenceDialog({
  open,
  onClose,
  businessId,
  ruleId,
  ruleName,
  groupKey,
}: {
  open: boolean;
  onClose: () => void;
  businessId: string;
  ruleId?: string;
  ruleName?: string;
  groupKey?: Record<string, unknown>;
}) {
  const qc = useQueryClient();
  const notify = useNotifier();
  const [comment, setComment] = useState('');
  const [duration, setDuration] = useState('2h');
  const create = useMutation({
    mutationFn: () =>
      call<Silence>(
        api.POST('/businesses/{businessId}/silences', {
          params: { path: { businessId } },
          body: { comment: comment.trim(), duration, ruleId, groupKey },
        }),
      ),
    onSuccess: (s) => {
      notify.success(`Silenced until ${new Date(s.endsAt).toLocaleString()}`);
      setComment('');
      onClose();
      void qc.invalidateQueries({ queryKey: silenceKeys.business(businessId) });
      void qc.invalidateQueries({ queryKey: alertKeys.all });
    },
    onError: notify.error,
  });
  const forGroup = groupKey && Object.keys(groupKey).length ? ` for ${formatGroupKey(groupKey)}` : '';
  const scope = ruleId ? `alerts of ${ruleName ?? 'this rule'}${forGroup}` : `every alert of ${businessId}`;
  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>Silence notifications</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ mt: 1 }}>
          <Typography color="text.secondary">
            Mutes the notifications of {scope} from now on. The alerts are still raised and shown here.
          </Typography>
          <TextField
            autoFocus
            fullWidth
            required
            label="Reason"
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            placeholder="Planned maintenance, load test, known issue…"
          />
          <TextField select label="For" value={duration} onChange={(e) => setDuration(e.target.value)}>
            {DURATIONS.map(([v, label]) => (
              <MenuItem key={v} value={v}>
                {label}
              </MenuItem>
            ))}
          </TextField>
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" disabled={!comment.trim() || create.isPending} onClick={() => create.mutate()}>
          Silence
        </Button>
      </DialogActions>
    </Dialog>
  );
}
