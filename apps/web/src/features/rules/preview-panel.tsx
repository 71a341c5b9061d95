import {
  Box,
  Button,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  ToggleButton,
  ToggleButtonGroup,
  Typography,
} from '@mui/material';
import { BarChart } from '@mui/x-charts/BarChart';
import { useState } from 'react';
import type { RuleBodyRequest } from '../../api/models';
import { Loading } from '../../components/states';
import { useRuleBacktest } from './hooks';

/** Runs the unsaved rule through the engine over the last days of recorded events: alerts in all and per day. */
export function PreviewPanel({
  businessId,
  body,
  disabled,
}: {
  businessId: string;
  body: RuleBodyRequest;
  disabled: boolean;
}) {
  const [days, setDays] = useState(7);
  const preview = useRuleBacktest(businessId);
  // A result belongs to the kind it was run for: switching the kind hides it (the options differ wholly).
  const [previewedKind, setPreviewedKind] = useState<string | null>(null);
  const r = previewedKind === (body.kind ?? null) ? preview.data : undefined;
  return (
    <Paper sx={{ p: 3 }}>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Typography variant="h6" component="h2" sx={{ flexGrow: 1 }}>
          Preview
        </Typography>
        <ToggleButtonGroup
          size="small"
          exclusive
          value={days}
          onChange={(_e, v) => v && setDays(v)}
          aria-label="preview days"
        >
          {[1, 3, 7, 14].map((n) => (
            <ToggleButton key={n} value={n}>
              {n} d
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
        <Button
          variant="outlined"
          onClick={() => {
            setPreviewedKind(body.kind ?? null);
            preview.mutate({ rule: body, days });
          }}
          disabled={preview.isPending || disabled}
        >
          Preview
        </Button>
      </Stack>
      <Typography variant="body2" color="text.secondary">
        Runs this rule, unsaved, through the engine over the last {days} days of recorded events.
      </Typography>
      {preview.isPending && <Loading label="Backtesting" />}
      {r && (
        <Box data-testid="preview-result" sx={{ mt: 2 }}>
          <Typography>
            <b>{r.alertsTotal}</b>{' '}
            {`alert${r.alertsTotal === 1 ? '' : 's'} over ${r.events} events (${r.matches} matches); ` +
              `${r.resolved} would have resolved, ${r.open} still open. (${r.ms} ms)`}
          </Typography>
          {r.perDay.length > 0 && (
            <>
              <BarChart
                height={200}
                xAxis={[{ scaleType: 'band', data: r.perDay.map((p) => p.day) }]}
                series={[{ data: r.perDay.map((p) => p.alerts), label: 'alerts per day' }]}
              />
              <Table size="small" aria-label="alerts per day">
                <TableHead>
                  <TableRow>
                    <TableCell>Day</TableCell>
                    <TableCell align="right">Alerts</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {r.perDay.map((p) => (
                    <TableRow key={p.day}>
                      <TableCell>{p.day}</TableCell>
                      <TableCell align="right">{p.alerts}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </>
          )}
        </Box>
      )}
    </Paper>
  );
}
