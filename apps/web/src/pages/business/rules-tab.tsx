import { Button, Chip, IconButton, Link, Stack, Switch, Tooltip } from '@mui/material';
import EditIcon from '@mui/icons-material/Edit';
import { Link as RouterLink } from 'react-router';
import type { Business } from '../../api/models';
import { ConfirmButton } from '../../components/confirm-dialog';
import { describeRule } from '../../features/rules/describe';
import { useDeleteRule, useRules, useToggleRule } from '../../features/rules/hooks';
import { SeverityChip } from '../../components/severity-chip';
import { ResourceTable } from '../../components/resource-table';
import { QueryState } from '../../components/states';
import { useCan } from '../../features/session/hooks';

/** Rules of a business: list, enable/disable, edit, delete, new. */
export function RulesTab({ business }: { business: Business }) {
  const rules = useRules(business.id);
  const toggle = useToggleRule(business.id);
  const remove = useDeleteRule(business.id);
  const canEdit = useCan('edit');
  return (
    <Stack spacing={2}>
      {!business.archivedAt && canEdit && (
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
        {(data) => (
          <ResourceTable
            label="rules"
            rows={data.items}
            rowKey={(r) => r.id}
            empty="No rules yet."
            hover
            columns={[
              {
                header: 'Name',
                cell: (r) => (
                  <>
                    <Link component={RouterLink} to={`/alerts?businessId=${business.id}&ruleId=${r.id}`}>
                      {r.name}
                    </Link>
                    {r.origin !== 'user' && <Chip size="small" label={r.origin} sx={{ ml: 1 }} />}
                    {r.provisioned && (
                      <Tooltip title="Managed by a provisioning folder: edits are overwritten when the api restarts">
                        <Chip size="small" label="provisioned" color="info" sx={{ ml: 1 }} />
                      </Tooltip>
                    )}
                  </>
                ),
              },
              { header: 'Kind', cell: (r) => r.kind },
              { header: 'Definition', cell: (r) => <code>{describeRule(r)}</code> },
              { header: 'Severity', cell: (r) => <SeverityChip severity={r.severity} /> },
              { header: 'Version', cell: (r) => `v${r.version}` },
              {
                header: 'Enabled',
                cell: (r) => (
                  <Switch
                    checked={r.enabled}
                    disabled={!canEdit}
                    onChange={() => toggle.mutate(r)}
                    slotProps={{ input: { 'aria-label': `enable ${r.name}` } }}
                  />
                ),
              },
              {
                header: '',
                align: 'right',
                sx: { whiteSpace: 'nowrap' },
                cell: (r) =>
                  canEdit && (
                    <>
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
                        onConfirm={() => remove.mutate(r.id)}
                      />
                    </>
                  ),
              },
            ]}
          />
        )}
      </QueryState>
    </Stack>
  );
}
