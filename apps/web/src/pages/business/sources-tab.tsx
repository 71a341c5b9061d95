import { Button, Stack, TextField } from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Business, Source } from '../../api/models';
import { ConfirmButton } from '../../components/confirm-dialog';
import { useNotifier } from '../../components/notifier';
import { ResourceTable } from '../../components/resource-table';
import { SecretOnceDialog } from '../../components/secret-once-dialog';
import { useCan } from '../../features/session/hooks';
import { QueryState } from '../../components/states';
import { ago, formatTime } from '../../format';
import { sourceKeys } from '../../features/sources/keys';
import { useSources } from '../../features/sources/hooks';

/** Ingest credentials: create one (its token is shown once), see last-seen, revoke. */
export function SourcesTab({ business }: { business: Business }) {
  const qc = useQueryClient();
  const notify = useNotifier();
  const [name, setName] = useState('');
  const [created, setCreated] = useState<Source | null>(null);
  const sources = useSources(business.id);
  const canManage = useCan('admin');
  const create = useMutation({
    mutationFn: () =>
      call<Source>(
        api.POST('/businesses/{businessId}/sources', {
          params: { path: { businessId: business.id } },
          body: { name: name.trim() },
        }),
      ),
    onSuccess: (s) => {
      setCreated(s);
      setName('');
      void qc.invalidateQueries({ queryKey: sourceKeys.list(business.id) });
    },
    onError: notify.error,
  });
  const revoke = useMutation({
    mutationFn: (id: string) =>
      call<Source>(
        api.DELETE('/businesses/{businessId}/sources/{sourceId}', {
          params: { path: { businessId: business.id, sourceId: id } },
        }),
      ),
    onSuccess: (s) => {
      notify.success(`Revoked ${s.name}`);
      void qc.invalidateQueries({ queryKey: sourceKeys.list(business.id) });
    },
    onError: notify.error,
  });
  return (
    <Stack spacing={2}>
      {!business.archivedAt && canManage && (
        <Stack
          direction="row"
          spacing={1}
          component="form"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <TextField
            size="small"
            label="New source name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="ward-3-gateway"
          />
          <Button type="submit" variant="contained" disabled={!name.trim() || create.isPending}>
            Create source
          </Button>
        </Stack>
      )}
      <QueryState query={sources}>
        {(data) => (
          <ResourceTable
            label="sources"
            rows={data.items}
            rowKey={(s) => s.id}
            empty="No sources. Devices and services send events with a source token (an ingest key)."
            columns={[
              { header: 'Name', cell: (s) => s.name },
              { header: 'Token starts', cell: (s) => <code>{s.tokenPrefix}…</code> },
              { header: 'Created', cell: (s) => formatTime(s.createdAt) },
              {
                header: 'Last seen',
                title: (s) => formatTime(s.lastSeenAt),
                cell: (s) => (s.revokedAt ? `revoked ${ago(s.revokedAt)}` : ago(s.lastSeenAt)),
              },
              {
                header: '',
                align: 'right',
                cell: (s) =>
                  !s.revokedAt &&
                  canManage && (
                    <ConfirmButton
                      label="Revoke"
                      title={`Revoke ${s.name}?`}
                      body="Its token stops working (within 10 s on every api replica); events it sent stay."
                      confirmLabel="Revoke"
                      onConfirm={() => revoke.mutate(s.id)}
                    />
                  ),
              },
            ]}
          />
        )}
      </QueryState>
      <SecretOnceDialog
        title={`Token of ${created?.name ?? ''}`}
        label="Source token"
        secret={created?.token ?? null}
        onClose={() => setCreated(null)}
      >
        <TextField
          sx={{ mt: 2 }}
          fullWidth
          multiline
          label="Try it"
          value={
            `curl -X POST -H "Authorization: Bearer ${created?.token ?? ''}" -H "Content-Type: ` +
            `application/json" ${window.location.origin}/api/ingest/${business.id} -d '{…}'`
          }
          slotProps={{ input: { readOnly: true } }}
        />
      </SecretOnceDialog>
    </Stack>
  );
}
