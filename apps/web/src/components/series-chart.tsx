import { Box, Paper, Typography } from '@mui/material';
import { BarChart } from '@mui/x-charts/BarChart';
import { ChartsReferenceLine } from '@mui/x-charts/ChartsReferenceLine';
import { LineChart } from '@mui/x-charts/LineChart';
import type { Series, ViewPanel } from '../api/models';
import { bandTicks, compactNumber, isolatedPoints, timeAxisFormatter } from './chart-axes';
import { Empty, ErrorState, Loading } from './states';
import { useSeries } from '../features/views/hooks';

const SEVERITY_STROKE: Record<string, string> = {
  info: '#90a4ae',
  low: '#29b6f6',
  medium: '#ffa726',
  high: '#ef5350',
  critical: '#b71c1c',
};

/**
 * The series of one panel over [from, to): one line (or bar group) per group
 * value on a time axis, with a vertical marker at each alert's start (snapped to
 * its bucket on bar charts).
 */
export function SeriesChart({
  businessId,
  panel,
  from,
  to,
  height = 260,
  highlight,
}: {
  businessId: string;
  panel: Omit<ViewPanel, 'title'> & { title?: string };
  from: string;
  to: string;
  height?: number;
  highlight?: string;
}) {
  const q = useSeries(businessId, panel, from, to);
  return (
    <Paper variant="outlined" sx={{ p: 1.5 }} data-testid="series-chart">
      {panel.title && (
        <Typography variant="subtitle2" component="h3">
          {panel.title}
        </Typography>
      )}
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ErrorState error={q.error} />
      ) : (
        <Chart data={q.data} chart={panel.chart} height={height} highlight={highlight} agg={panel.agg} />
      )}
    </Paper>
  );
}

function Chart({
  data,
  chart,
  height,
  highlight,
  agg,
}: {
  data: Series;
  chart: 'line' | 'bar';
  height: number;
  highlight?: string;
  agg: string;
}) {
  if (data.series.length === 0) return <Empty>No events in this range.</Empty>;
  // Every bucket of the range is on the axis; where a group has no value, counts and
  // sums are 0 and other aggregations leave a gap.
  const step = data.bucketMs;
  const first = Math.floor(Date.parse(data.from) / step) * step;
  const xs: number[] = [];
  for (let t = first; t < Date.parse(data.to); t += step) xs.push(t);
  const missing = agg === 'count' || agg === 'sum' ? 0 : null;
  const series = data.series.map((s) => {
    const byT = new Map(s.points.map((p) => [Date.parse(p.t), p.v]));
    const values = xs.map((x) => byT.get(x) ?? missing);
    // A value between two empty buckets draws no segment: it gets a mark, as do all points of a short series.
    const marked = isolatedPoints(values);
    return {
      label: s.group ?? 'all',
      data: values,
      showMark: ({ index }: { index: number }) => marked(index),
      connectNulls: false,
    };
  });
  // Tick labels from the range shown (times within a day, dates with times within a month), full times in tooltips.
  const timeFormatter = timeAxisFormatter(Date.parse(data.to) - Date.parse(data.from), step);
  const compact = compactNumber();
  const yAxis = [
    {
      width: 56,
      valueFormatter: (v: number | null, ctx: { location: string }) =>
        v === null ? '' : ctx.location === 'tick' ? compact(v) : v.toLocaleString(),
    },
  ];
  const markers = data.alerts.map((a) => ({ ...a, x: Math.floor(Date.parse(a.startTime) / step) * step }));
  const lines = markers.map((a) => (
    <ChartsReferenceLine
      key={a.id}
      x={chart === 'bar' ? new Date(a.x) : new Date(a.startTime)}
      lineStyle={{
        stroke: SEVERITY_STROKE[a.severity],
        strokeDasharray: a.id === highlight ? undefined : '4 3',
        strokeWidth: a.id === highlight ? 2 : 1,
      }}
    />
  ));
  return (
    <Box aria-label={`chart with ${data.series.length} series and ${data.alerts.length} alert markers`}>
      {chart === 'bar' ? (
        <BarChart
          height={height}
          xAxis={[
            {
              scaleType: 'band',
              data: xs.map((x) => new Date(x)),
              valueFormatter: timeFormatter,
              tickInterval: bandTicks(xs.map((x) => new Date(x))),
            },
          ]}
          yAxis={yAxis}
          series={series.map(({ label, data }) => ({ label, data, stack: 'total' }))}
          hideLegend={series.length > 8}
        >
          {lines}
        </BarChart>
      ) : (
        <LineChart
          height={height}
          xAxis={[{ scaleType: 'time', data: xs.map((x) => new Date(x)), valueFormatter: timeFormatter }]}
          yAxis={yAxis}
          series={series}
          hideLegend={series.length > 8}
        >
          {lines}
        </LineChart>
      )}
      {data.alerts.length > 0 && (
        <Typography variant="caption" color="text.secondary" data-testid="chart-caption">
          {alertCaption(
            data.alerts.length,
            data.alerts.some((a) => a.id === highlight),
          )}
        </Typography>
      )}
    </Box>
  );
}

/** What the vertical markers mean: the highlighted alert's solid line, the others' dashed ones. */
export function alertCaption(alerts: number, highlighted: boolean): string {
  const others = highlighted ? alerts - 1 : alerts;
  const dashed =
    others === 0
      ? ''
      : `dashed lines mark ${others} ${highlighted ? 'other ' : ''}alert${others === 1 ? '' : 's'} started in ` +
        `this range`;
  if (!highlighted) return `${dashed[0].toUpperCase()}${dashed.slice(1)}.`;
  return `The solid line marks this alert's start${dashed ? `; ${dashed}` : ''}.`;
}
