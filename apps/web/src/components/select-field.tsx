import { MenuItem, TextField } from '@mui/material';

/**
 * A small select: an empty choice labelled `none` first when given (a filter's
 * "any"), then `choices`. One markup for the alert filters, the audit log's
 * object filter and the role pickers. A value that is not among the choices
 * (a filter from the URL while its choices are still loading, or a business
 * since deleted) is shown as itself rather than as an out-of-range value.
 */
export function SelectField({
  label,
  value,
  onChange,
  choices,
  none,
  width,
  disabled,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  choices: readonly { value: string; label: string }[];
  /** Label of the empty choice; without it there is none. */
  none?: string;
  width: number;
  disabled?: boolean;
}) {
  const listed = value === '' ? none !== undefined : choices.some((c) => c.value === value);
  return (
    <TextField
      select
      size="small"
      label={label}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      sx={{ minWidth: width }}
      disabled={disabled}
    >
      {none !== undefined && <MenuItem value="">{none}</MenuItem>}
      {!listed && <MenuItem value={value}>{value || '—'}</MenuItem>}
      {choices.map((c) => (
        <MenuItem key={c.value} value={c.value}>
          {c.label}
        </MenuItem>
      ))}
    </TextField>
  );
}

/** A choice whose label is its value. */
export const same = (v: string) => ({ value: v, label: v });
