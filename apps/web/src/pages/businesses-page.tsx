import { Button, FormControlLabel, Stack, Switch, Typography, Link, Chip } from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link as RouterLink, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import type { Business } from '../api/models';
import { ConfirmButton } from '../components/confirm-dialog';
import { useNotifier } from '../components/notifier';
import { ResourceTable } from '../components/resource-table';
import { QueryState } from '../components/states';
import { formatTime } from '../format';
import { businessKeys } from '../features/businesses/keys';
import { overviewKeys } from '../features/dashboard/keys';
import { useBusinesses } from '../features/businesses/hooks';
import { useCan } from '../features/session/hooks';

/** Businesses: list (archived ones on request), create, archive. */
export function BusinessesPage() {
  const canEdit = useCan('edit');
  const [params, setParams] = useSearchParams();
  const includeArchived = params.get('archived') === '1';
  const qc = useQueryClient();
  const notify = useNotifier();
  const list = useBusinesses(includeArchived);
  const archive = useMutation({
    mutationFn: (id: string) =>
      call<Business>(api.DELETE('/businesses/{businessId}', { params: { path: { businessId: id } } })),
    onSuccess: (b) => {
      notify.success(`Archived ${b.name}`);
      void qc.invalidateQueries({ queryKey: businessKeys.all });
      void qc.invalidateQueries({ queryKey: overviewKeys.all });
    },
    onError: notify.error,
  });

  return (
    <Stack spacing={2}>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Typography variant="h4" component="h1" sx={{ flexGrow: 1 }}>
          Businesses
        </Typography>
        <FormControlLabel
          control={
            <Switch checked={includeArchived} onChange={(e) => setParams(e.target.checked ? { archived: '1' } : {})} />
          }
          label="Show archived"
        />
        {canEdit && (
          <Button variant="contained" component={RouterLink} to="/businesses/new">
            New business
          </Button>
        )}
      </Stack>
      <QueryState query={list}>
        {(data) => (
          <ResourceTable
            label="businesses"
            rows={data.items}
            rowKey={(b) => b.id}
            empty="No businesses yet."
            hover
            columns={[
              {
                header: 'Name',
                cell: (b) => (
                  <>
                    <Link component={RouterLink} to={`/businesses/${b.id}`}>
                      {b.name}
                    </Link>
                    {b.archivedAt && <Chip size="small" label="archived" sx={{ ml: 1 }} />}
                  </>
                ),
              },
              { header: 'Id', cell: (b) => b.id },
              { header: 'Fields', cell: (b) => b.fields.length },
              { header: 'Schema', cell: (b) => `v${b.schemaVersion}` },
              { header: 'Time zone', cell: (b) => b.timezone },
              { header: 'Created', cell: (b) => formatTime(b.createdAt) },
              {
                header: '',
                align: 'right',
                cell: (b) =>
                  !b.archivedAt &&
                  canEdit && (
                    <ConfirmButton
                      label="Archive"
                      title={`Archive ${b.name}?`}
                      body={
                        'Its rules stop evaluating and its sources stop ingesting. Events and alerts ' +
                        'stay readable; the id is never reused.'
                      }
                      confirmLabel="Archive"
                      onConfirm={() => archive.mutate(b.id)}
                    />
                  ),
              },
            ]}
          />
        )}
      </QueryState>
    </Stack>
  );
}
