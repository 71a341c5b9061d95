import {
  Button,
  Checkbox,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Link,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link as RouterLink, useSearchParams } from 'react-router';
import { useRules } from '../features/rules/hooks';
import { api, call } from '../api/client';
import { type Alert } from '../api/models';
import { useNotifier } from '../components/notifier';
import { SeverityChip, StatusChip } from '../components/severity-chip';
import { Empty, QueryState } from '../components/states';
import { ago, formatGroupKey, formatTime } from '../format';
import { alertKeys } from '../features/alerts/keys';
import { AlertFilterFields } from '../features/alerts/alert-filters';
import { useAlertList } from '../features/alerts/hooks';
import { useBusinesses } from '../features/businesses/hooks';
import { useCan } from '../features/session/hooks';

/** A local date-time input as ISO time; text that is not a time goes as is, for the api to name. */

const FILTER_KEYS = ['businessId', 'status', 'severity', 'ruleId', 'from', 'to'] as const;

/** Alerts with filters kept in the URL (shareable), bulk acknowledge, newest first. */
export function AlertsPage() {
  const canRespond = useCan('respond');
  const [params, setParams] = useSearchParams();
  const filters = Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? ''])) as Record<
    (typeof FILTER_KEYS)[number],
    string
  >;
  const setFilter = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    if (k === 'businessId') next.delete('ruleId');
    setParams(next);
  };
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [noteOpen, setNoteOpen] = useState(false);
  const [note, setNote] = useState('');
  const qc = useQueryClient();
  const notify = useNotifier();
  const businesses = useBusinesses(true);
  const rules = useRules(filters.businessId || undefined);
  const alerts = useAlertList(filters);
  const bulk = useMutation({
    mutationFn: () =>
      call<{ acknowledged: Alert[]; skipped: { id: string; reason: string }[] }>(
        api.POST('/alerts/acknowledge', { body: { ids: [...selected], note: note || undefined } }),
      ),
    onSuccess: (r) => {
      notify.success(
        `Acknowledged ${r.acknowledged.length}${r.skipped.length ? `; skipped ${r.skipped.length} (not open)` : ''}`,
      );
      setSelected(new Set());
      setNoteOpen(false);
      setNote('');
      void qc.invalidateQueries({ queryKey: alertKeys.all });
    },
    onError: notify.error,
  });
  const items = alerts.data?.pages.flatMap((p) => p.items) ?? [];
  const openIds = items.filter((a) => a.status === 'open').map((a) => a.id);
  const toggle = (id: string) =>
    setSelected((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set([...s, id])));

  return (
    <Stack spacing={2}>
      <Typography variant="h4" component="h1">
        Alerts
      </Typography>
      <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap' }}>
        <AlertFilterFields
          filters={filters}
          setFilter={setFilter}
          businesses={businesses.data?.items ?? []}
          rules={rules.data?.items ?? []}
        />
        {canRespond && (
          <Button variant="contained" disabled={selected.size === 0} onClick={() => setNoteOpen(true)}>
            Acknowledge {selected.size || ''}
          </Button>
        )}
      </Stack>
      <QueryState query={alerts}>
        {() =>
          items.length === 0 ? (
            <Empty>No alerts match these filters.</Empty>
          ) : (
            <Paper sx={{ overflowX: 'auto' }}>
              <Table size="small" aria-label="alerts">
                <TableHead>
                  <TableRow>
                    <TableCell padding="checkbox">
                      <Checkbox
                        indeterminate={selected.size > 0 && selected.size < openIds.length}
                        checked={openIds.length > 0 && selected.size === openIds.length}
                        onChange={(e) => setSelected(e.target.checked ? new Set(openIds) : new Set())}
                        slotProps={{ input: { 'aria-label': 'select all open alerts' } }}
                      />
                    </TableCell>
                    <TableCell>Severity</TableCell>
                    <TableCell>Status</TableCell>
                    <TableCell>Summary</TableCell>
                    <TableCell>Business</TableCell>
                    <TableCell>Group</TableCell>
                    <TableCell align="right">Count</TableCell>
                    <TableCell>First seen</TableCell>
                    <TableCell>Last seen</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {items.map((a) => (
                    <TableRow key={a.id} hover selected={selected.has(a.id)}>
                      <TableCell padding="checkbox">
                        <Checkbox
                          checked={selected.has(a.id)}
                          disabled={a.status !== 'open'}
                          onChange={() => toggle(a.id)}
                          slotProps={{ input: { 'aria-label': `select alert ${a.summary}` } }}
                        />
                      </TableCell>
                      <TableCell>
                        <SeverityChip severity={a.severity} />
                      </TableCell>
                      <TableCell>
                        <StatusChip status={a.status} />
                      </TableCell>
                      <TableCell>
                        <Link component={RouterLink} to={`/alerts/${a.id}`}>
                          {a.summary}
                        </Link>
                        {a.silenced && (
                          <Chip
                            size="small"
                            variant="outlined"
                            label="muted"
                            title="A silence mutes its notifications"
                            sx={{ ml: 1 }}
                          />
                        )}
                      </TableCell>
                      <TableCell>{a.businessId}</TableCell>
                      <TableCell>{formatGroupKey(a.groupKey)}</TableCell>
                      <TableCell align="right">{a.count}</TableCell>
                      <TableCell title={formatTime(a.firstSeenAt)}>{ago(a.firstSeenAt)}</TableCell>
                      <TableCell title={formatTime(a.lastSeenAt)}>{ago(a.lastSeenAt)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
              {alerts.hasNextPage && (
                <Button sx={{ m: 1 }} onClick={() => void alerts.fetchNextPage()} disabled={alerts.isFetchingNextPage}>
                  Load more
                </Button>
              )}
            </Paper>
          )
        }
      </QueryState>
      <Dialog open={noteOpen} onClose={() => setNoteOpen(false)} fullWidth maxWidth="sm">
        <DialogTitle>
          Acknowledge {selected.size} alert{selected.size === 1 ? '' : 's'}
        </DialogTitle>
        <DialogContent>
          <TextField
            autoFocus
            fullWidth
            multiline
            minRows={2}
            label="Note (optional)"
            value={note}
            onChange={(e) => setNote(e.target.value)}
            sx={{ mt: 1 }}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setNoteOpen(false)}>Cancel</Button>
          <Button variant="contained" onClick={() => bulk.mutate()} disabled={bulk.isPending}>
            Acknowledge
          </Button>
        </DialogActions>
      </Dialog>
    </Stack>
  );
}
