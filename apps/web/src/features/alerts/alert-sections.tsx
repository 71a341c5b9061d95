import { Paper, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import type { AlertDetail, StoredEvent } from '../../api/models';
import { Empty } from '../../components/states';
import { formatTime } from '../../format';

/** The values of the alert's matched samples (its evidence window). */
export function EvidenceSection({ alert: a }: { alert: AlertDetail }) {
  return (
    <Paper sx={{ p: 2 }}>
      <Typography variant="h6" component="h2">
        Evidence
      </Typography>
      {a.evidence.samples.length === 0 ? (
        <Empty>No matched values recorded (absence alerts fire on silence).</Empty>
      ) : (
        <Table size="small" aria-label="evidence">
          <TableHead>
            <TableRow>
              <TableCell>Event time</TableCell>
              <TableCell>Values that matched</TableCell>
              <TableCell>Event</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {a.evidence.samples.map((s) => (
              <TableRow key={s.eventId}>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatTime(s.eventTime)}</TableCell>
                <TableCell>
                  <code>
                    {Object.entries(s.values)
                      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
                      .join('  ')}
                  </code>
                </TableCell>
                <TableCell>
                  <code>{s.eventId}</code>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Paper>
  );
}

/** The events counted into the alert (null while they load). */
export function EventsSection({ alert: a, events }: { alert: AlertDetail; events: StoredEvent[] | null }) {
  return (
    <Paper sx={{ p: 2 }}>
      <Typography variant="h6" component="h2">
        Events involved ({a.eventIds.length}
        {a.eventIds.length === 100 ? '+' : ''})
      </Typography>
      {a.eventIds.length === 0 ? (
        <Empty>No events are counted into this alert (absence alerts fire on silence).</Empty>
      ) : events ? (
        <Table size="small" aria-label="events involved">
          <TableHead>
            <TableRow>
              <TableCell>Event time</TableCell>
              <TableCell>Payload</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {events.map((e) => (
              <TableRow key={e.id}>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatTime(e.eventTime)}</TableCell>
                <TableCell>
                  <code>{JSON.stringify(e.payload)}</code>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : (
        <Empty>Loading the events…</Empty>
      )}
    </Paper>
  );
}

/** Who was told of the alert's transitions, and how each delivery attempt went. */
export function NotificationsSection({ alert: a }: { alert: AlertDetail }) {
  return (
    <Paper sx={{ p: 2 }}>
      <Typography variant="h6" component="h2">
        Notifications
      </Typography>
      {a.notifications.length === 0 ? (
        <Empty>No notification channels were due for this alert.</Empty>
      ) : (
        <Table size="small" aria-label="notifications">
          <TableHead>
            <TableRow>
              <TableCell>Channel</TableCell>
              <TableCell>Event</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>Attempts</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {a.notifications.map((n) => (
              <TableRow key={n.id}>
                <TableCell>
                  {n.channel.name} ({n.channel.kind})
                </TableCell>
                <TableCell>{n.event}</TableCell>
                <TableCell>{n.status === 'silenced' ? 'silenced (not sent)' : n.status}</TableCell>
                <TableCell>
                  {n.attempts.map((t, i) => (
                    <div key={i}>
                      {formatTime(t.at)} · {t.ok ? 'ok' : 'failed'} {t.statusCode ?? ''} · {t.durationMs} ms{' '}
                      {t.error ? `· ${t.error}` : ''}
                    </div>
                  ))}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Paper>
  );
}
