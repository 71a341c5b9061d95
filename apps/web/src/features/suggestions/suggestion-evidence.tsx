import { Box, LinearProgress, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { BarChart } from '@mui/x-charts/BarChart';
import type { Suggestion } from '../../api/models';
import { compactNumber } from '../../components/chart-axes';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const num = (x: number) => Number(x.toPrecision(3)).toLocaleString();

/** A gap between events as a person reads it: `45 s`, `12 min`, `3.5 h`, `2.1 days`. */
export function humanGap(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${num(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${num(ms / 3_600_000)} h`;
  return `${num(ms / 86_400_000)} days`;
}

/** The threshold a rule's condition sets, e.g. `heart_rate > 142` → 142 (null when it is not one comparison). */
export function conditionThreshold(condition: unknown): number | null {
  const m = typeof condition === 'string' ? /^\s*[\w.]+\s*[<>]=?\s*(-?\d+(?:\.\d+)?)\s*$/.exec(condition) : null;
  return m ? Number(m[1]) : null;
}

type Mark = { label: string; value: number; strong?: boolean };

/**
 * Where the usual values lie and where the rule would alert: a strip from the smallest to the largest
 * value seen (or the threshold, when beyond), the inner quantiles as a darker band with a tick at each,
 * the median labelled above, the threshold as a red line labelled below; then every figure in a row
 * (quantiles of bounded values crowd at the ends, so the strip labels only those two).
 */
export function QuantileStrip({ marks, threshold, unit }: { marks: Mark[]; threshold: number | null; unit?: string }) {
  const values = [...marks.map((m) => m.value), ...(threshold === null ? [] : [threshold])];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const x = (v: number) => (hi === lo ? 50 : 4 + ((v - lo) / (hi - lo)) * 92);
  const inner = marks.filter((m) => !m.strong);
  const median = marks.find((m) => m.label === 'median');
  const span = (a: number, b: number) => ({ left: `${x(a)}%`, width: `max(2px, ${x(b) - x(a)}%)` });
  const at = { position: 'absolute', transform: 'translateX(-50%)', whiteSpace: 'nowrap' } as const;
  return (
    <Box role="img" aria-label="quantiles and threshold">
      <Box sx={{ position: 'relative', height: 56 }}>
        {median && (
          <Typography variant="caption" sx={{ ...at, left: `${x(median.value)}%`, top: 0 }}>
            median {num(median.value)}
          </Typography>
        )}
        <Box
          sx={{
            position: 'absolute',
            top: 22,
            height: 8,
            borderRadius: 1,
            bgcolor: 'action.selected',
            ...span(lo, hi),
          }}
        />
        {inner.length >= 2 && (
          <Box
            sx={{
              position: 'absolute',
              top: 22,
              height: 8,
              bgcolor: 'primary.main',
              opacity: 0.5,
              ...span(inner[0].value, inner[inner.length - 1].value),
            }}
          />
        )}
        {marks.map((m) => (
          <Box
            key={m.label}
            title={`${m.label} ${num(m.value)}`}
            sx={{
              position: 'absolute',
              left: `${x(m.value)}%`,
              top: 18,
              height: 16,
              width: '1px',
              bgcolor: 'text.primary',
            }}
          />
        ))}
        {threshold !== null && (
          <>
            <Box
              sx={{
                position: 'absolute',
                left: `${x(threshold)}%`,
                top: 14,
                height: 24,
                width: '2px',
                bgcolor: 'error.main',
              }}
            />
            <Typography variant="caption" color="error" sx={{ ...at, left: `min(${x(threshold)}%, 88%)`, top: 38 }}>
              alert at {num(threshold)}
              {unit ? ` ${unit}` : ''}
            </Typography>
          </>
        )}
      </Box>
      <Typography variant="caption" component="p" color="text.secondary">
        {marks.map((m) => `${m.label} ${num(m.value)}`).join(' · ')}
      </Typography>
    </Box>
  );
}

/** Medians per hour of day (0–23) or per weekday: the usual level the baseline follows. */
function SeasonalProfile({
  medians,
  byWeekday,
  field,
}: {
  medians: (number | null)[];
  byWeekday: boolean;
  field: string;
}) {
  const labels = byWeekday ? WEEKDAYS : medians.map((_, h) => String(h).padStart(2, '0'));
  const compact = compactNumber();
  return (
    <BarChart
      height={170}
      margin={{ left: 0, right: 8, top: 8, bottom: 0 }}
      xAxis={[{ scaleType: 'band', data: labels, label: byWeekday ? 'weekday' : 'hour of day' }]}
      yAxis={[
        { width: 48, label: `median ${field}`, valueFormatter: (v: number | null) => (v === null ? '' : compact(v)) },
      ]}
      series={[{ data: medians, label: `median ${field}` }]}
      hideLegend
    />
  );
}

/**
 * A suggestion's evidence as a person reads it, per kind: the quantiles and threshold of a field, the
 * seasonal profile of a baseline, the gaps between a group's events for an absence, the 5-minute
 * rates of a burst, the shares of rare values; other evidence as a table of its figures.
 */
export function SuggestionEvidence({ suggestion: s }: { suggestion: Suggestion }) {
  const e = s.evidence as Record<string, any>;
  if (s.kind === 'threshold' && e.quantiles) {
    const q = e.quantiles as Record<string, number>;
    return (
      <Box sx={{ px: 1 }}>
        <QuantileStrip
          marks={[
            { label: 'min', value: e.min, strong: true },
            { label: 'p0.1', value: q.p001 },
            { label: 'p1', value: q.p01 },
            { label: 'median', value: q.p50 },
            { label: 'p99', value: q.p99 },
            { label: 'p99.9', value: q.p999 },
            { label: 'max', value: e.max, strong: true },
          ]}
          threshold={conditionThreshold(s.rule.condition)}
        />
        <Typography variant="caption" color="text.secondary">
          {Number(e.values).toLocaleString()} values of {e.field}; the dark band holds 99.8% of them.
        </Typography>
      </Box>
    );
  }
  if (s.kind === 'aggregate_spike' && e.rate) {
    const r = e.rate as { windows: number; p50: number; p99: number; max: number };
    return (
      <Box sx={{ px: 1 }}>
        <QuantileStrip
          marks={[
            { label: 'median', value: r.p50 },
            { label: 'p99', value: r.p99 },
            { label: 'max', value: r.max, strong: true },
          ]}
          threshold={typeof s.rule.threshold === 'number' ? s.rule.threshold : null}
          unit="in 5 min"
        />
        <Typography variant="caption" color="text.secondary">
          Events per 5 minutes over {Number(r.windows).toLocaleString()} windows.
        </Typography>
      </Box>
    );
  }
  if (s.kind === 'baseline' && (e.hourlyMedians || e.weekdayMedians)) {
    const byWeekday = !e.hourlyMedians;
    const strength = byWeekday ? e.dayOfWeekStrength : e.hourOfDayStrength;
    return (
      <Box sx={{ minWidth: 0 }}>
        <SeasonalProfile
          medians={byWeekday ? e.weekdayMedians : e.hourlyMedians}
          byWeekday={byWeekday}
          field={e.field}
        />
        <Typography variant="caption" color="text.secondary">
          The {byWeekday ? 'weekday' : 'hour of day'} explains {Math.round(Number(strength) * 100)}% of {e.field}&apos;s
          variance.
        </Typography>
      </Box>
    );
  }
  if (s.kind === 'absence' && Array.isArray(e.groups)) {
    return (
      <Table size="small" aria-label="gaps between events">
        <TableHead>
          <TableRow>
            <TableCell>group</TableCell>
            <TableCell align="right">events</TableCell>
            <TableCell align="right">usual gap</TableCell>
            <TableCell align="right">p95 gap</TableCell>
            <TableCell align="right">longest gap</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {(
            e.groups as { group: string; events: number; medianGapMs: number; p95GapMs: number; maxGapMs: number }[]
          ).map((g) => (
            <TableRow key={g.group}>
              <TableCell>{g.group}</TableCell>
              <TableCell align="right">{g.events.toLocaleString()}</TableCell>
              <TableCell align="right">{humanGap(g.medianGapMs)}</TableCell>
              <TableCell align="right">{humanGap(g.p95GapMs)}</TableCell>
              <TableCell align="right">{humanGap(g.maxGapMs)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }
  if (s.kind === 'rare_category' && Array.isArray(e.top)) {
    const top = e.top as { value: string; count: number; share: number }[];
    return (
      <Table size="small" aria-label={`values of ${e.field}`}>
        <TableHead>
          <TableRow>
            <TableCell>{e.field}</TableCell>
            <TableCell align="right">events</TableCell>
            <TableCell sx={{ width: '40%' }}>share</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {top.map((c) => (
            <TableRow key={c.value}>
              <TableCell>{c.value}</TableCell>
              <TableCell align="right">{c.count.toLocaleString()}</TableCell>
              <TableCell>
                <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
                  <LinearProgress
                    variant="determinate"
                    value={Math.max(1, Math.min(100, c.share * 100))}
                    color={c.share < 0.005 ? 'warning' : 'primary'}
                    sx={{ flexGrow: 1 }}
                  />
                  <Typography variant="caption">{(c.share * 100).toFixed(c.share < 0.01 ? 2 : 1)}%</Typography>
                </Box>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }
  return (
    <Table size="small" aria-label="evidence">
      <TableBody>
        {Object.entries(s.evidence).map(([k, v]) => (
          <TableRow key={k}>
            <TableCell>{k}</TableCell>
            <TableCell sx={{ wordBreak: 'break-word' }}>
              {typeof v === 'number' ? num(v) : typeof v === 'object' ? JSON.stringify(v) : String(v)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** The backtest's alerts per day, with its axes: what accepting the rule would have raised. */
export function BacktestChart({ perDay }: { perDay: { day: string; alerts: number }[] }) {
  const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  return (
    <BarChart
      height={150}
      margin={{ left: 0, right: 8, top: 8, bottom: 0 }}
      xAxis={[
        {
          scaleType: 'band',
          data: perDay.map((p) => p.day),
          valueFormatter: (d: string) => day.format(new Date(`${d}T00:00:00Z`)),
          label: 'day (UTC)',
        },
      ]}
      yAxis={[{ width: 40, label: 'alerts', tickMinStep: 1 }]}
      series={[{ data: perDay.map((p) => p.alerts), label: 'alerts' }]}
      hideLegend
    />
  );
}
