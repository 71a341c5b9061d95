import { Chip } from '@mui/material';
import type { AlertStatus, Severity } from '../api/models';

/** MUI colour of each severity, shared by every chip that shows one. */
export const SEVERITY_COLOR: Record<Severity, 'default' | 'info' | 'success' | 'warning' | 'error'> = {
  info: 'default',
  low: 'info',
  medium: 'warning',
  high: 'error',
  critical: 'error',
};

export function SeverityChip({ severity }: { severity: Severity }) {
  return (
    <Chip
      size="small"
      label={severity}
      color={SEVERITY_COLOR[severity]}
      variant={severity === 'critical' ? 'filled' : 'outlined'}
    />
  );
}

const STATUS_COLOR: Record<AlertStatus, 'error' | 'warning' | 'success'> = {
  open: 'error',
  acknowledged: 'warning',
  resolved: 'success',
};

export function StatusChip({ status }: { status: AlertStatus }) {
  return <Chip size="small" label={status} color={STATUS_COLOR[status]} data-testid="alert-status" />;
}
