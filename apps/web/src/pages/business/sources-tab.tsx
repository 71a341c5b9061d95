import {
  Alert,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  IconButton,
  InputAdornment,
  Stack,
  TextField,
  Tooltip,
} from '@mui/material';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Business, Source } from '../../api/models';
import { ConfirmButton } from '../../components/confirm-dialog';
import { useNotifier } from '../../components/notifier';
import { ResourceTable } from '../../components/resource-table';
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
      {!business.archivedAt && (
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
            empty="No sources. Devices and services send events with a source token (or the admin token)."
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
                  !s.revokedAt && (
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
      <Dialog open={created !== null} onClose={() => setCreated(null)} maxWidth="sm" fullWidth>
        <DialogTitle>Token of {created?.name}</DialogTitle>
        <DialogContent>
          <Alert severity="warning" sx={{ mb: 2 }}>
            Copy it now: it is shown only once and stored only as a hash.
          </Alert>
          <TextField
            fullWidth
            value={created?.token ?? ''}
            label="Source token"
            slotProps={{
              input: {
                readOnly: true,
                endAdornment: (
                  <InputAdornment position="end">
                    <Tooltip title="Copy">
                      <IconButton
                        aria-label="copy token"
                        onClick={async () => {
                          await navigator.clipboard.writeText(created?.token ?? '').then(
                            () => notify.success('Token copied'),
                            () =>
                              notify.error(
                                new Error('The browser refused the clipboard; select the token and copy it.'),
                              ),
                          );
                        }}
                      >
                        <ContentCopyIcon />
                      </IconButton>
                    </Tooltip>
                  </InputAdornment>
                ),
              },
            }}
          />
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
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setCreated(null)} variant="contained">
            Done
          </Button>
        </DialogActions>
      </Dialog>
    </Stack>
  );
}
