import { Box, Button, Stack, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import { ResourceTable } from '../components/resource-table';
import { SelectField, same } from '../components/select-field';
import { QueryState } from '../components/states';
import { useAuditLog } from '../features/access/hooks';
import { formatTime } from '../format';

const OBJECT_TYPES = [
  'business',
  'field',
  'source',
  'rule',
  'alert',
  'channel',
  'suggestion',
  'view',
  'silence',
  'user',
  'api_key',
];

/** Who changed what and when: the audit log with its filters (admins only). */
export function AuditPage() {
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [entityType, setEntityType] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const filters: Record<string, string> = {};
  if (actor.trim()) filters.actor = actor.trim();
  if (action.trim()) filters.action = action.trim();
  if (entityType) filters.entityType = entityType;
  if (from) filters.from = new Date(from).toISOString();
  if (to) filters.to = new Date(to).toISOString();
  const log = useAuditLog(filters);
  return (
    <Stack spacing={2}>
      <Typography variant="h4" component="h1">
        Audit log
      </Typography>
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={1}>
        <TextField
          size="small"
          label="Actor"
          placeholder="user:ada@example.com or user:*"
          value={actor}
          onChange={(e) => setActor(e.target.value)}
        />
        <TextField
          size="small"
          label="Action"
          placeholder="acknowledge"
          value={action}
          onChange={(e) => setAction(e.target.value)}
        />
        <SelectField
          label="Object"
          value={entityType}
          onChange={setEntityType}
          choices={OBJECT_TYPES.map(same)}
          none="any"
          width={150}
        />
        <TextField
          size="small"
          label="From"
          type="datetime-local"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          slotProps={{ inputLabel: { shrink: true } }}
        />
        <TextField
          size="small"
          label="To"
          type="datetime-local"
          value={to}
          onChange={(e) => setTo(e.target.value)}
          slotProps={{ inputLabel: { shrink: true } }}
        />
      </Stack>
      <QueryState query={log}>
        {(data) => (
          <>
            <ResourceTable
              label="audit log"
              rows={data.pages.flatMap((p) => p.items)}
              rowKey={(r) => String(r.id)}
              empty="Nothing matches."
              columns={[
                { header: 'When', cell: (r) => formatTime(r.at) },
                { header: 'Who', cell: (r) => r.actor },
                { header: 'Action', cell: (r) => r.action },
                { header: 'Object', cell: (r) => `${r.entityType} ${r.entityId}` },
                {
                  header: 'Change',
                  cell: (r) => (
                    <Box
                      component="code"
                      sx={{
                        fontSize: 12,
                        display: 'block',
                        maxWidth: 480,
                        overflow: 'hidden',
                        textOverflow: 'ellipsis',
                      }}
                      title={JSON.stringify({ before: r.before, after: r.after }, null, 2)}
                    >
                      {JSON.stringify(r.after ?? r.before ?? null)}
                    </Box>
                  ),
                },
              ]}
            />
            {log.hasNextPage && (
              <Button onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
                Older entries
              </Button>
            )}
          </>
        )}
      </QueryState>
    </Stack>
  );
}
