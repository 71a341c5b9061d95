import { MenuItem, TextField } from '@mui/material';

/**
 * A small select: an empty choice labelled `none` first when given (a filter's
 * "any"), then `choices`. One markup for the alert filters, the audit log's
 * object filter and the role pickers.
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
