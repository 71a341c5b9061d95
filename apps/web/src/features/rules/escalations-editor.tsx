import { Button, IconButton, MenuItem, Stack, TextField, Tooltip, Typography } from '@mui/material';
import DeleteIcon from '@mui/icons-material/Delete';
import { SEVERITIES, type Severity } from '../../api/models';
import { oneOf } from '../../one-of';
import type { RuleDraft } from './rule-form';

/** The rule's escalations: a CEL condition and the severity the alert takes when it also holds. */
export function EscalationsEditor({
  value,
  onChange,
  err,
}: {
  value: RuleDraft['escalations'];
  onChange: (escalations: RuleDraft['escalations']) => void;
  err: (pointer: string) => string | undefined;
}) {
  const edit = (i: number, patch: Partial<{ when: string; severity: Severity }>) =>
    onChange(value.map((y, j) => (j === i ? { ...y, ...patch } : y)));
  return (
    <>
      <Typography variant="subtitle2">Escalations</Typography>
      {value.map((x, i) => (
        <Stack key={i} direction="row" spacing={1}>
          <TextField
            size="small"
            label="When (CEL)"
            value={x.when}
            onChange={(e) => edit(i, { when: e.target.value })}
            error={!!err(`/escalations/${i}`)}
            helperText={err(`/escalations/${i}`)}
            sx={{ flex: 1 }}
            slotProps={{ input: { sx: { fontFamily: 'monospace' } } }}
          />
          <TextField
            size="small"
            select
            label="Severity"
            value={x.severity}
            onChange={(e) => edit(i, { severity: oneOf(SEVERITIES, e.target.value) })}
            sx={{ width: 130 }}
          >
            {SEVERITIES.map((s) => (
              <MenuItem key={s} value={s}>
                {s}
              </MenuItem>
            ))}
          </TextField>
          <Tooltip title="Remove escalation">
            <IconButton
              aria-label={`remove escalation ${i + 1}`}
              onClick={() => onChange(value.filter((_y, j) => j !== i))}
            >
              <DeleteIcon />
            </IconButton>
          </Tooltip>
        </Stack>
      ))}
      <Button sx={{ alignSelf: 'flex-start' }} onClick={() => onChange([...value, { when: '', severity: 'critical' }])}>
        Add escalation
      </Button>
    </>
  );
}
