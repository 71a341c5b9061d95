import { MenuItem, TextField } from '@mui/material';
import { ALERT_STATUSES, SEVERITIES, type Business, type Rule } from '../../api/models';

/** The alert list's filters, as the URL holds them ('' for none). */
export type AlertFilters = Record<'businessId' | 'status' | 'severity' | 'ruleId' | 'from' | 'to', string>;

/** The inputs of the alert list's filters: business, status, severity, rule (of the business), first-seen range. */
export function AlertFilterFields({
  filters,
  setFilter,
  businesses,
  rules,
}: {
  filters: AlertFilters;
  setFilter: (key: keyof AlertFilters, value: string) => void;
  businesses: readonly Business[];
  rules: readonly Rule[];
}) {
  return (
    <>
      <TextField
        select
        size="small"
        label="Business"
        value={filters.businessId}
        onChange={(e) => setFilter('businessId', e.target.value)}
        sx={{ minWidth: 200 }}
      >
        <MenuItem value="">all</MenuItem>
        {businesses.map((b) => (
          <MenuItem key={b.id} value={b.id}>
            {b.name}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        size="small"
        label="Status"
        value={filters.status}
        onChange={(e) => setFilter('status', e.target.value)}
        sx={{ minWidth: 150 }}
      >
        <MenuItem value="">any</MenuItem>
        <MenuItem value="open,acknowledged">unresolved</MenuItem>
        {ALERT_STATUSES.map((s) => (
          <MenuItem key={s} value={s}>
            {s}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        size="small"
        label="Severity"
        value={filters.severity}
        onChange={(e) => setFilter('severity', e.target.value)}
        sx={{ minWidth: 130 }}
      >
        <MenuItem value="">any</MenuItem>
        {SEVERITIES.map((s) => (
          <MenuItem key={s} value={s}>
            {s}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        size="small"
        label="Rule"
        value={filters.ruleId}
        onChange={(e) => setFilter('ruleId', e.target.value)}
        sx={{ minWidth: 200 }}
        disabled={!filters.businessId}
      >
        <MenuItem value="">any</MenuItem>
        {rules.map((r) => (
          <MenuItem key={r.id} value={r.id}>
            {r.name}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        size="small"
        type="datetime-local"
        label="First seen from"
        value={filters.from}
        onChange={(e) => setFilter('from', e.target.value)}
        slotProps={{ inputLabel: { shrink: true } }}
      />
      <TextField
        size="small"
        type="datetime-local"
        label="to"
        value={filters.to}
        onChange={(e) => setFilter('to', e.target.value)}
        slotProps={{ inputLabel: { shrink: true } }}
      />
    </>
  );
}
