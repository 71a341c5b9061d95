import {
  Button,
  Chip,
  FormControlLabel,
  Paper,
  Stack,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
} from '@mui/material';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Business, Page, Rule, Silence } from '../../api/models';
import { ConfirmButton } from '../../components/confirm-dialog';
import { useNotifier } from '../../components/notifier';
import { SilenceDialog } from '../../components/silence-dialog';
import { Empty, QueryState } from '../../components/states';
import { formatGroupKey, formatTime } from '../../format';

/**
 * Silences of a business in force or upcoming (and, on request, ended ones): what they mute, until when, why; expire
 * one, or silence the whole business.
 */
export function SilencesTab({ business }: { business: Business }) {
  const qc = useQueryClient();
  const notify = useNotifier();
  const [creating, setCreating] = useState(false);
  const [withExpired, setWithExpired] = useState(false);
  const state = withExpired ? 'active,pending,expired' : 'active,pending';
  const rules = useQuery({
    queryKey: ['rules', business.id],
    queryFn: () =>
      call<Page<Rule>>(api.GET('/businesses/{businessId}/rules', { params: { path: { businessId: business.id } } })),
  });
  const ruleName = (id: string) => rules.data?.items.find((r) => r.id === id)?.name ?? 'one rule';
  const silences = useQuery({
    queryKey: ['silences', business.id, state],
    queryFn: () =>
      call<Page<Silence>>(
        api.GET('/businesses/{businessId}/silences', {
          params: { path: { businessId: business.id }, query: { state } },
        }),
      ),
  });
  const expire = useMutation({
    mutationFn: (id: string) =>
      call<Silence>(api.POST('/silences/{silenceId}/expire', { params: { path: { silenceId: id } } })),
    onSuccess: () => {
      notify.success('Silence expired');
      void qc.invalidateQueries({ queryKey: ['silences', business.id] });
      void qc.invalidateQueries({ queryKey: ['alerts'] });
    },
    onError: notify.error,
  });
  return (
    <Stack spacing={2}>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        {!business.archivedAt && (
          <Button variant="contained" onClick={() => setCreating(true)}>
            Silence the whole business
          </Button>
        )}
        <FormControlLabel
          control={<Switch checked={withExpired} onChange={(e) => setWithExpired(e.target.checked)} />}
          label="Show ended ones"
        />
      </Stack>
      <QueryState query={silences}>
        {(data) =>
          data.items.length === 0 ? (
            <Empty>No silences. Silence an alert from its page to mute its notifications for a while.</Empty>
          ) : (
            <Paper>
              <Table size="small" aria-label="silences">
                <TableHead>
                  <TableRow>
                    <TableCell>State</TableCell>
                    <TableCell>Reason</TableCell>
                    <TableCell>Mutes</TableCell>
                    <TableCell>From</TableCell>
                    <TableCell>Until</TableCell>
                    <TableCell>By</TableCell>
                    <TableCell />
                  </TableRow>
                </TableHead>
                <TableBody>
                  {data.items.map((s) => (
                    <TableRow key={s.id}>
                      <TableCell>
                        <Chip size="small" label={s.state} color={s.state === 'active' ? 'info' : 'default'} />
                      </TableCell>
                      <TableCell>{s.comment}</TableCell>
                      <TableCell>
                        {s.ruleId
                          ? [
                              ruleName(s.ruleId),
                              ...(Object.keys(s.groupKey).length ? [formatGroupKey(s.groupKey)] : []),
                            ].join(', ')
                          : Object.keys(s.groupKey).length
                            ? formatGroupKey(s.groupKey)
                            : 'every alert'}
                      </TableCell>
                      <TableCell>{formatTime(s.startsAt)}</TableCell>
                      <TableCell>{formatTime(s.endsAt)}</TableCell>
                      <TableCell>{s.createdBy}</TableCell>
                      <TableCell align="right">
                        {s.state !== 'expired' && (
                          <ConfirmButton
                            label="Expire"
                            title="Expire this silence?"
                            body="Notifications of the alerts it mutes flow again from their next change."
                            confirmLabel="Expire"
                            onConfirm={() => expire.mutate(s.id)}
                          />
                        )}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </Paper>
          )
        }
      </QueryState>
      <SilenceDialog open={creating} onClose={() => setCreating(false)} businessId={business.id} />
    </Stack>
  );
}
