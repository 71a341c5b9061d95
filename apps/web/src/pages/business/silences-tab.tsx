import { Button, Chip, FormControlLabel, Stack, Switch } from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useRules } from '../../features/rules/hooks';
import { api, call } from '../../api/client';
import type { Business, Silence } from '../../api/models';
import { ConfirmButton } from '../../components/confirm-dialog';
import { useNotifier } from '../../components/notifier';
import { SilenceDialog } from '../../components/silence-dialog';
import { ResourceTable } from '../../components/resource-table';
import { QueryState } from '../../components/states';
import { formatGroupKey, formatTime } from '../../format';
import { alertKeys } from '../../features/alerts/keys';
import { silenceKeys } from '../../features/silences/keys';
import { useSilences } from '../../features/silences/hooks';
import { useCan } from '../../features/session/hooks';

/**
 * Silences of a business in force or upcoming (and, on request, ended ones): what they mute, until when, why; expire
 * one, or silence the whole business.
 */
export function SilencesTab({ business }: { business: Business }) {
  const canRespond = useCan('respond');
  const qc = useQueryClient();
  const notify = useNotifier();
  const [creating, setCreating] = useState(false);
  const [withExpired, setWithExpired] = useState(false);
  const state = withExpired ? 'active,pending,expired' : 'active,pending';
  const rules = useRules(business.id);
  const ruleName = (id: string) => rules.data?.items.find((r) => r.id === id)?.name ?? 'one rule';
  const mutes = (s: Silence) => {
    const group = Object.keys(s.groupKey).length ? [formatGroupKey(s.groupKey)] : [];
    if (s.ruleId) return [ruleName(s.ruleId), ...group].join(', ');
    return group[0] ?? 'every alert';
  };
  const silences = useSilences(business.id, state);
  const expire = useMutation({
    mutationFn: (id: string) =>
      call<Silence>(api.POST('/silences/{silenceId}/expire', { params: { path: { silenceId: id } } })),
    onSuccess: () => {
      notify.success('Silence expired');
      void qc.invalidateQueries({ queryKey: silenceKeys.business(business.id) });
      void qc.invalidateQueries({ queryKey: alertKeys.all });
    },
    onError: notify.error,
  });
  return (
    <Stack spacing={2}>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        {!business.archivedAt && canRespond && (
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
        {(data) => (
          <ResourceTable
            label="silences"
            rows={data.items}
            rowKey={(s) => s.id}
            empty="No silences. Silence an alert from its page to mute its notifications for a while."
            columns={[
              {
                header: 'State',
                cell: (s) => <Chip size="small" label={s.state} color={s.state === 'active' ? 'info' : 'default'} />,
              },
              { header: 'Reason', cell: (s) => s.comment },
              { header: 'Mutes', cell: (s) => mutes(s) },
              { header: 'From', cell: (s) => formatTime(s.startsAt) },
              { header: 'Until', cell: (s) => formatTime(s.endsAt) },
              { header: 'By', cell: (s) => s.createdBy },
              {
                header: '',
                align: 'right',
                cell: (s) =>
                  s.state !== 'expired' &&
                  canRespond && (
                    <ConfirmButton
                      label="Expire"
                      title="Expire this silence?"
                      body="Notifications of the alerts it mutes flow again from their next change."
                      confirmLabel="Expire"
                      onConfirm={() => expire.mutate(s.id)}
                    />
                  ),
              },
            ]}
          />
        )}
      </QueryState>
      <SilenceDialog open={creating} onClose={() => setCreating(false)} businessId={business.id} />
    </Stack>
  );
}
