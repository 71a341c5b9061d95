import {
  Button,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import type { Business } from '../../api/models';
import { Empty, QueryState } from '../../components/states';
import { formatTime } from '../../format';
import { useEventPage } from '../../features/events/hooks';

/** Latest events, newest first, a page at a time (keyset cursors), optionally of one entity. */
export function EventsTab({ business }: { business: Business }) {
  const [params, setParams] = useSearchParams();
  const entity = params.get('entity') ?? '';
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const events = useEventPage(business.id, entity, cursor);
  const columns = business.fields.map((f) => f.name).filter((f) => f !== business.timestampField);
  return (
    <Stack spacing={2}>
      <TextField
        size="small"
        label={`Entity (${business.entityKeyFields.join(', ') || 'entity key'})`}
        value={entity}
        onChange={(e) => {
          setCursors([undefined]);
          setParams({ tab: 'events', ...(e.target.value ? { entity: e.target.value } : {}) });
        }}
        sx={{ maxWidth: 320 }}
      />
      <QueryState query={events}>
        {(data) =>
          data.items.length === 0 ? (
            <Empty>
              No events{entity ? ` for ${entity}` : ''} yet. Send some with POST /ingest/{business.id}.
            </Empty>
          ) : (
            <Paper>
              <TableContainer sx={{ maxHeight: 640 }}>
                <Table size="small" stickyHeader aria-label="events">
                  <TableHead>
                    <TableRow>
                      <TableCell>Event time</TableCell>
                      {columns.map((c) => (
                        <TableCell key={c}>{c}</TableCell>
                      ))}
                      <TableCell>Received</TableCell>
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {data.items.map((e) => (
                      <TableRow key={e.id} hover>
                        <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatTime(e.eventTime)}</TableCell>
                        {columns.map((c) => (
                          <TableCell key={c}>
                            {e.payload[c] === undefined
                              ? ''
                              : typeof e.payload[c] === 'object'
                                ? JSON.stringify(e.payload[c])
                                : String(e.payload[c])}
                          </TableCell>
                        ))}
                        <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatTime(e.receivedAt)}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </TableContainer>
              <Stack direction="row" spacing={1} sx={{ alignItems: 'center', p: 1 }}>
                <Typography variant="body2" color="text.secondary" sx={{ flexGrow: 1 }}>
                  Page {cursors.length} · {data.items.length} events
                </Typography>
                <Button size="small" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
                  Newer
                </Button>
                <Button
                  size="small"
                  disabled={!data.nextCursor}
                  onClick={() => setCursors([...cursors, data.nextCursor ?? undefined])}
                >
                  Older
                </Button>
              </Stack>
            </Paper>
          )
        }
      </QueryState>
    </Stack>
  );
}
