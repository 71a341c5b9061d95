import {
  Button,
  Chip,
  IconButton,
  Link,
  Paper,
  Stack,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Tooltip,
} from '@mui/material';
import EditIcon from '@mui/icons-material/Edit';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link as RouterLink } from 'react-router';
import { api, call } from '../../api/client';
import type { Business, Page, Rule, RuleBody } from '../../api/models';
import { ConfirmButton } from '../../components/confirm-dialog';
import { useNotifier } from '../../components/notifier';
import { SeverityChip } from '../../components/severity-chip';
import { Empty, QueryState } from '../../components/states';

/** A rule's gist in one line: its condition, window or field. */
export function describeRule(r: RuleBody): string {
  const by = r.groupBy.length ? ` per ${r.groupBy.join(', ')}` : '';
  switch (r.kind) {
    case 'immediate':
      return `${r.condition}${by}`;
    case 'sequence':
      return `${r.minCount}+ consecutive ${r.condition}${r.within ? ` within ${r.within}` : ''}${by}`;
    case 'absence':
      return `no ${r.condition ? `${r.condition} ` : ''}event for ${r.window}${by}`;
    case 'aggregate':
      return (
        `${r.aggregate.fn}(${r.aggregate.field ?? ''})${r.condition ? ` where ${r.condition}` : ''} ` +
        `${r.op} ${r.threshold} over ${r.window ?? r.period}${by}`
      );
    case 'baseline':
      return `${r.field} off its baseline (sensitivity ${r.sensitivity})${by}`;
  }
}

/** Rules of a business: list, enable/disable, edit, delete, new. */
export function RulesTab({ business }: { business: Business }) {
  const qc = useQueryClient();
  const notify = useNotifier();
  const rules = useQuery({
    queryKey: ['rules', business.id],
    queryFn: () =>
      call<Page<Rule>>(api.GET('/businesses/{businessId}/rules', { params: { path: { businessId: business.id } } })),
  });
  const refresh = () => void qc.invalidateQueries({ queryKey: ['rules', business.id] });
  const toggle = useMutation({
    mutationFn: (r: Rule) =>
      call<Rule>(api.PATCH('/rules/{ruleId}', { params: { path: { ruleId: r.id } }, body: { enabled: !r.enabled } })),
    onSuccess: (r) => {
      notify.success(`${r.name} ${r.enabled ? 'enabled' : 'disabled'} (v${r.version})`);
      refresh();
    },
    onError: notify.error,
  });
  const remove = useMutation({
    mutationFn: (r: Rule) => call<Rule>(api.DELETE('/rules/{ruleId}', { params: { path: { ruleId: r.id } } })),
    onSuccess: (r) => {
      notify.success(`Deleted ${r.name}`);
      refresh();
    },
    onError: notify.error,
  });
  return (
    <Stack spacing={2}>
      {!business.archivedAt && (
        <Button
          variant="contained"
          sx={{ alignSelf: 'flex-start' }}
          component={RouterLink}
          to={`/businesses/${business.id}/rules/new`}
        >
          New rule
        </Button>
      )}
      <QueryState query={rules}>
        {(data) =>
          data.items.length === 0 ? (
            <Empty>No rules yet.</Empty>
          ) : (
            <Paper>
              <Table size="small" aria-label="rules">
                <TableHead>
                  <TableRow>
                    <TableCell>Name</TableCell>
                    <TableCell>Kind</TableCell>
                    <TableCell>Definition</TableCell>
                    <TableCell>Severity</TableCell>
                    <TableCell>Version</TableCell>
                    <TableCell>Enabled</TableCell>
                    <TableCell />
                  </TableRow>
                </TableHead>
                <TableBody>
                  {data.items.map((r) => (
                    <TableRow key={r.id} hover>
                      <TableCell>
                        <Link component={RouterLink} to={`/alerts?businessId=${business.id}&ruleId=${r.id}`}>
                          {r.name}
                        </Link>
                        {r.origin !== 'user' && <Chip size="small" label={r.origin} sx={{ ml: 1 }} />}
                      </TableCell>
                      <TableCell>{r.kind}</TableCell>
                      <TableCell>
                        <code>{describeRule(r)}</code>
                      </TableCell>
                      <TableCell>
                        <SeverityChip severity={r.severity} />
                      </TableCell>
                      <TableCell>v{r.version}</TableCell>
                      <TableCell>
                        <Switch
                          checked={r.enabled}
                          onChange={() => toggle.mutate(r)}
                          slotProps={{ input: { 'aria-label': `enable ${r.name}` } }}
                        />
                      </TableCell>
                      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                        <Tooltip title="Edit">
                          <IconButton
                            size="small"
                            component={RouterLink}
                            to={`/rules/${r.id}/edit`}
                            aria-label={`edit ${r.name}`}
                          >
                            <EditIcon fontSize="small" />
                          </IconButton>
                        </Tooltip>
                        <ConfirmButton
                          icon
                          label={`delete ${r.name}`}
                          title={`Delete rule ${r.name}?`}
                          body="It stops evaluating. Its alerts and versions stay for the record."
                          confirmLabel="Delete"
                          onConfirm={() => remove.mutate(r)}
                        />
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
