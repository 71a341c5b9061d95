import { FormControlLabel, MenuItem, Stack, Switch, TextField } from '@mui/material';
import type { OptionInput, OptionsPanelProps } from './types';

/**
 * The options panel of a kind: its inputs (KindForm.inputs) in a row that
 * wraps, each with the api's reason for its pointer under it, or its help.
 */
export function OptionsPanel<D extends object>({
  inputs,
  d,
  set,
  err,
  business,
}: OptionsPanelProps & { inputs: readonly OptionInput<D>[] }) {
  // The draft holds every kind's inputs: D is the part of it this kind's inputs read and write.
  const draft = d as unknown as D;
  const patch = (p: Partial<D>) => set(p as Partial<typeof d>);
  return (
    <Stack direction="row" spacing={2} useFlexGap sx={{ flexWrap: 'wrap' }}>
      {inputs
        .filter((input) => input.visible?.(d) ?? true)
        .map((input) => {
          const sx = input.width ? { width: input.width } : { flex: 1 };
          const helperText = err(input.pointer) ?? input.help;
          if (input.type === 'switch')
            return (
              <FormControlLabel
                key={input.key}
                control={
                  <Switch
                    checked={Boolean(draft[input.key as keyof D])}
                    onChange={(e) => patch({ [input.key]: e.target.checked } as Partial<D>)}
                  />
                }
                label={input.label}
                title={input.title}
              />
            );
          if (input.type === 'select')
            return (
              <TextField
                key={input.label}
                select
                label={input.label}
                value={input.value(draft)}
                onChange={(e) => patch(input.toDraft(e.target.value))}
                sx={sx}
                error={!!err(input.pointer)}
                helperText={helperText}
              >
                {input.choices(d, business).map((c) => {
                  const { value, label } = typeof c === 'string' ? { value: c, label: c } : c;
                  return (
                    <MenuItem key={value} value={value}>
                      {value === '' ? <em>{label}</em> : label}
                    </MenuItem>
                  );
                })}
              </TextField>
            );
          return (
            <TextField
              key={input.key}
              label={input.label}
              type={input.type === 'number' ? 'number' : undefined}
              placeholder={input.placeholder}
              value={String(draft[input.key as keyof D])}
              onChange={(e) => patch({ [input.key]: e.target.value } as Partial<D>)}
              error={!!err(input.pointer)}
              helperText={helperText}
              sx={sx}
            />
          );
        })}
    </Stack>
  );
}
