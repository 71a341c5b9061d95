import { TextField } from '@mui/material';
import { SelectField, same } from '../../components/select-field';
import { ALERT_STATUSES, SEVERITIES, type Business, type Rule } from '../../api/models';

/** The alert list's filters, as the URL holds them ('' for none). */
export type AlertFilters = Record<'businessId' | 'status' | 'severity' | 'ruleId' | 'from' | 'to', string>;

/** One filter select: 'any' (or `none`) first, then the choices. */
function FilterSelect(props: Omit<Parameters<typeof SelectField>[0], 'none'> & { none?: string }) {
  return <SelectField {...props} none={props.none ?? 'any'} />;
}

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
  const date = (key: 'from' | 'to', label: string) => (
    <TextField
      size="small"
      type="datetime-local"
      label={label}
      value={filters[key]}
      onChange={(e) => setFilter(key, e.target.value)}
      slotProps={{ inputLabel: { shrink: true } }}
    />
  );
  return (
    <>
      <FilterSelect
        label="Business"
        none="all"
        value={filters.businessId}
        onChange={(v) => setFilter('businessId', v)}
        choices={businesses.map((b) => ({ value: b.id, label: b.name }))}
        width={200}
      />
      <FilterSelect
        label="Status"
        value={filters.status}
        onChange={(v) => setFilter('status', v)}
        choices={[{ value: 'open,acknowledged', label: 'unresolved' }, ...ALERT_STATUSES.map(same)]}
        width={150}
      />
      <FilterSelect
        label="Severity"
        value={filters.severity}
        onChange={(v) => setFilter('severity', v)}
        choices={SEVERITIES.map(same)}
        width={130}
      />
      <FilterSelect
        label="Rule"
        value={filters.ruleId}
        onChange={(v) => setFilter('ruleId', v)}
        choices={rules.map((r) => ({ value: r.id, label: r.name }))}
        width={200}
        disabled={!filters.businessId}
      />
      {date('from', 'First seen from')}
      {date('to', 'to')}
    </>
  );
}
