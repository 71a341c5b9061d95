import {
  Card,
  CardActionArea,
  CardContent,
  Chip,
  Grid,
  List,
  ListItemButton,
  ListItemText,
  Paper,
  Stack,
  Typography,
} from '@mui/material';
import { SparkLineChart } from '@mui/x-charts/SparkLineChart';
import { useState } from 'react';
import { Link as RouterLink } from 'react-router';
import { SEVERITIES, type Alert } from '../api/models';
import { Empty, QueryState } from '../components/states';
import { SEVERITY_COLOR, SeverityChip, StatusChip } from '../components/severity-chip';
import { ago, formatGroupKey } from '../format';
import { useAlertStream } from '../hooks/use-alert-stream';
import { useOverview } from '../features/dashboard/hooks';
import { useRecentAlerts } from '../features/alerts/hooks';
import { liveFeed } from '../features/dashboard/live-feed';

/** Every business at a glance, and alerts as they happen. */
export function DashboardPage() {
  const overview = useOverview();
  const recent = useRecentAlerts();
  const [live, setLive] = useState<Alert[]>([]);
  useAlertStream((a) => setLive((l) => [a, ...l.filter((x) => x.id !== a.id)].slice(0, 15)));
  const feed = liveFeed(live, recent.data?.items ?? []);

  return (
    <Stack spacing={3}>
      <Typography variant="h4" component="h1">
        Dashboard
      </Typography>
      <QueryState query={overview}>
        {(data) =>
          data.items.length === 0 ? (
            <Empty>No businesses yet. Create one under Businesses.</Empty>
          ) : (
            <Grid container spacing={2}>
              {data.items.map((b) => (
                <Grid key={b.businessId} size={{ xs: 12, md: 6, lg: 3 }}>
                  <Card data-testid={`business-card-${b.businessId}`}>
                    <CardActionArea component={RouterLink} to={`/businesses/${b.businessId}`}>
                      <CardContent>
                        <Typography variant="h6">{b.name}</Typography>
                        {/* One clock per line: what arrived (receipt time), then the newest event time. */}
                        <Typography variant="body2" color="text.secondary" data-testid="received">
                          Received: {b.ratePerMinute}/min (last 5 min) · {b.eventsLastHour.toLocaleString()} in the last
                          hour · last {ago(b.lastReceivedAt)}
                        </Typography>
                        <Typography variant="caption" color="text.secondary" data-testid="event-time">
                          Newest event time: {b.lastEventAt ? new Date(b.lastEventAt).toLocaleString() : '—'}
                        </Typography>
                        <SparkLineChart data={b.spark.map((p) => p.n)} height={48} area curve="linear" />
                        <Stack direction="row" spacing={1} sx={{ flexWrap: 'wrap', mt: 1 }}>
                          {SEVERITIES.filter((s) => b.openAlerts[s]).map((s) => (
                            <Chip key={s} size="small" label={`${b.openAlerts[s]} ${s}`} color={SEVERITY_COLOR[s]} />
                          ))}
                          {Object.keys(b.openAlerts).length === 0 && (
                            <Chip size="small" label="no open alerts" color="success" variant="outlined" />
                          )}
                        </Stack>
                      </CardContent>
                    </CardActionArea>
                  </Card>
                </Grid>
              ))}
            </Grid>
          )
        }
      </QueryState>
      <Paper sx={{ p: 2 }}>
        <Typography variant="h6" component="h2">
          Live alerts
        </Typography>
        {feed.length === 0 ? (
          <Empty>No alerts yet. New ones appear here as they open.</Empty>
        ) : (
          <List dense data-testid="live-feed">
            {feed.map((a) => (
              <ListItemButton key={a.id} component={RouterLink} to={`/alerts/${a.id}`}>
                <Stack direction="row" spacing={1} sx={{ mr: 2 }}>
                  <SeverityChip severity={a.severity} />
                  <StatusChip status={a.status} />
                </Stack>
                <ListItemText
                  primary={a.summary}
                  secondary={`${a.businessId} · ${formatGroupKey(a.groupKey)} · ${ago(a.lastSeenAt)}`}
                />
              </ListItemButton>
            ))}
          </List>
        )}
      </Paper>
    </Stack>
  );
}
