import {
  Button,
  FormControlLabel,
  Paper,
  Stack,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
  Link,
  Chip,
} from '@mui/material';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link as RouterLink, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import type { Business, Page } from '../api/models';
import { ConfirmButton } from '../components/confirm-dialog';
import { useNotifier } from '../components/notifier';
import { Empty, QueryState } from '../components/states';
import { formatTime } from '../format';

/** Businesses: list (archived ones on request), create, archive. */
export function BusinessesPage() {
  const [params, setParams] = useSearchParams();
  const includeArchived = params.get('archived') === '1';
  const qc = useQueryClient();
  const notify = useNotifier();
  const list = useQuery({
    queryKey: ['businesses', includeArchived],
    queryFn: () =>
      call<Page<Business>>(
        api.GET('/businesses', {
          params: { query: { includeArchived: includeArchived ? 'true' : 'false', limit: 200 } },
        }),
      ),
  });
  const archive = useMutation({
    mutationFn: (id: string) =>
      call<Business>(api.DELETE('/businesses/{businessId}', { params: { path: { businessId: id } } })),
    onSuccess: (b) => {
      notify.success(`Archived ${b.name}`);
      void qc.invalidateQueries({ queryKey: ['businesses'] });
      void qc.invalidateQueries({ queryKey: ['overview'] });
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
        <Button variant="contained" component={RouterLink} to="/businesses/new">
          New business
        </Button>
      </Stack>
      <QueryState query={list}>
        {(data) =>
          data.items.length === 0 ? (
            <Empty>No businesses yet.</Empty>
          ) : (
            <Paper>
              <Table size="small" aria-label="businesses">
                <TableHead>
                  <TableRow>
                    <TableCell>Name</TableCell>
                    <TableCell>Id</TableCell>
                    <TableCell>Fields</TableCell>
                    <TableCell>Schema</TableCell>
                    <TableCell>Time zone</TableCell>
                    <TableCell>Created</TableCell>
                    <TableCell />
                  </TableRow>
                </TableHead>
                <TableBody>
                  {data.items.map((b) => (
                    <TableRow key={b.id} hover>
                      <TableCell>
                        <Link component={RouterLink} to={`/businesses/${b.id}`}>
                          {b.name}
                        </Link>
                        {b.archivedAt && <Chip size="small" label="archived" sx={{ ml: 1 }} />}
                      </TableCell>
                      <TableCell>{b.id}</TableCell>
                      <TableCell>{b.fields.length}</TableCell>
                      <TableCell>v{b.schemaVersion}</TableCell>
                      <TableCell>{b.timezone}</TableCell>
                      <TableCell>{formatTime(b.createdAt)}</TableCell>
                      <TableCell align="right">
                        {!b.archivedAt && (
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
    </Stack>
  );
}
