import { Box, Paper, Typography } from '@mui/material';
import { ChartsReferenceLine } from '@mui/x-charts/ChartsReferenceLine';
import { LineChart } from '@mui/x-charts/LineChart';
import type { AlertDetail, AlertScores } from '../../api/models';
import { compactNumber, timeAxisFormatter } from '../../components/chart-axes';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useAlertScores } from './hooks';

/**
 * The anomaly score (0-1, left axis) of each event of a baseline alert's group around the alert, with the value it
 * judged (right axis) and the alert threshold as a dashed line: how far the alert's events stood out, and how close
 * the events before came.
 */
export function AnomalyScoreChart({ alert, height = 240 }: { alert: AlertDetail; height?: number }) {
  const q = useAlertScores(alert.id);
  return (
    <Paper variant="outlined" sx={{ p: 1.5 }} data-testid="anomaly-score-chart">
      <Typography variant="subtitle2" component="h3">
        Anomaly score around the alert
      </Typography>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ErrorState error={q.error} />
      ) : (
        <ScoreLines scores={q.data} alert={alert} height={height} />
      )}
    </Paper>
  );
}

function ScoreLines({ scores, alert, height }: { scores: AlertScores; alert: AlertDetail; height: number }) {
  const points = scores.points;
  if (points.length === 0) return <Empty>No stored events of this group to score.</Empty>;
  const xs = points.map((p) => new Date(p.eventTime));
  const timeFormatter = timeAxisFormatter(xs[xs.length - 1].getTime() - xs[0].getTime());
  const compact = compactNumber();
  const peak = points.reduce((m, p) => Math.max(m, p.score ?? 0), 0);
  return (
    <Box aria-label={`anomaly score of ${points.length} events, highest ${peak.toFixed(2)}`}>
      <LineChart
        height={height}
        xAxis={[{ scaleType: 'time', data: xs, valueFormatter: timeFormatter }]}
        yAxis={[
          { id: 'score', min: 0, max: 1, width: 40 },
          {
            id: 'value',
            position: 'right',
            width: 56,
            valueFormatter: (v: number | null) => (v === null ? '' : compact(v)),
          },
        ]}
        series={[
          {
            label: 'anomaly score',
            yAxisId: 'score',
            data: points.map((p) => p.score),
            showMark: ({ index }: { index: number }) => points[index].match,
            connectNulls: false,
          },
          {
            label: scores.field,
            yAxisId: 'value',
            data: points.map((p) => p.value),
            showMark: false,
            connectNulls: false,
          },
        ]}
      >
        <ChartsReferenceLine
          y={scores.threshold}
          axisId="score"
          label="alert threshold"
          lineStyle={{ strokeDasharray: '4 3' }}
        />
        <ChartsReferenceLine x={new Date(alert.startTime)} lineStyle={{ strokeWidth: 2 }} />
      </LineChart>
      <Typography variant="caption" color="text.secondary" data-testid="score-caption">
        {scoreCaption(scores.threshold)}
      </Typography>
    </Box>
  );
}

/** What the chart shows, in words. */
function scoreCaption(threshold: number): string {
  return (
    `Marked points matched: their score passed ${threshold} (the dashed line) outside the rule's quiet period. ` +
    `The solid line marks this alert's start; the right axis is the value judged.`
  );
}
