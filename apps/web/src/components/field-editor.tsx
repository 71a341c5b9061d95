import {
  Button,
  Checkbox,
  FormControlLabel,
  IconButton,
  MenuItem,
  Paper,
  Stack,
  TextField,
  Tooltip,
} from '@mui/material';
import DeleteIcon from '@mui/icons-material/Delete';
import { FIELD_TYPES, type Field, type FieldType } from '../api/models';

/** A field as the form holds it: numbers and enum values as text until sent. */
export interface FieldDraft {
  name: string;
  type: FieldType;
  required: boolean;
  unit: string;
  enumValues: string;
  min: string;
  max: string;
  description: string;
}

export const emptyField = (): FieldDraft => ({
  name: '',
  type: 'number',
  required: false,
  unit: '',
  enumValues: '',
  min: '',
  max: '',
  description: '',
});

/** The api body of a field draft (empty optional parts left out). */
export function toFieldBody(f: FieldDraft): Field {
  const body: Field = { name: f.name.trim(), type: f.type, required: f.required };
  if (f.unit.trim()) body.unit = f.unit.trim();
  if (f.description.trim()) body.description = f.description.trim();
  if (f.type === 'enum')
    body.enum = f.enumValues
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  if ((f.type === 'number' || f.type === 'integer') && f.min.trim() !== '') body.min = Number(f.min);
  if ((f.type === 'number' || f.type === 'integer') && f.max.trim() !== '') body.max = Number(f.max);
  return body;
}

/** One row of field inputs; `errorAt(key)` gives the api's reason for that part, if any. */
export function FieldRow({
  value,
  onChange,
  onRemove,
  errorAt,
  index,
}: {
  value: FieldDraft;
  onChange: (f: FieldDraft) => void;
  onRemove?: () => void;
  errorAt: (key: string) => string | undefined;
  index: number;
}) {
  const set = (patch: Partial<FieldDraft>) => onChange({ ...value, ...patch });
  const numeric = value.type === 'number' || value.type === 'integer';
  return (
    <Paper variant="outlined" sx={{ p: 1.5 }}>
      <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'flex-start', flexWrap: 'wrap' }}>
        <TextField
          size="small"
          label="Name"
          value={value.name}
          onChange={(e) => set({ name: e.target.value })}
          required
          error={!!errorAt('name')}
          helperText={errorAt('name')}
          slotProps={{ htmlInput: { 'aria-label': `field ${index + 1} name` } }}
        />
        <TextField
          size="small"
          select
          label="Type"
          value={value.type}
          onChange={(e) => set({ type: e.target.value as FieldType })}
          sx={{ width: 130 }}
          error={!!errorAt('type')}
          helperText={errorAt('type')}
          slotProps={{ htmlInput: { 'aria-label': `field ${index + 1} type` } }}
        >
          {FIELD_TYPES.map((t) => (
            <MenuItem key={t} value={t}>
              {t}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          size="small"
          label="Unit"
          value={value.unit}
          onChange={(e) => set({ unit: e.target.value })}
          sx={{ width: 100 }}
        />
        {value.type === 'enum' && (
          <TextField
            size="small"
            label="Values (comma-separated)"
            value={value.enumValues}
            onChange={(e) => set({ enumValues: e.target.value })}
            error={!!errorAt('enum')}
            helperText={errorAt('enum')}
          />
        )}
        {numeric && (
          <TextField
            size="small"
            label="Min"
            type="number"
            value={value.min}
            onChange={(e) => set({ min: e.target.value })}
            sx={{ width: 100 }}
            error={!!errorAt('min')}
            helperText={errorAt('min')}
          />
        )}
        {numeric && (
          <TextField
            size="small"
            label="Max"
            type="number"
            value={value.max}
            onChange={(e) => set({ max: e.target.value })}
            sx={{ width: 100 }}
            error={!!errorAt('max')}
            helperText={errorAt('max')}
          />
        )}
        <FormControlLabel
          control={<Checkbox checked={value.required} onChange={(e) => set({ required: e.target.checked })} />}
          label="Required"
        />
        {onRemove && (
          <Tooltip title="Remove field">
            <IconButton onClick={onRemove} aria-label={`remove field ${index + 1}`}>
              <DeleteIcon />
            </IconButton>
          </Tooltip>
        )}
      </Stack>
    </Paper>
  );
}

export function AddFieldButton({ onClick }: { onClick: () => void }) {
  return (
    <Button onClick={onClick} sx={{ alignSelf: 'flex-start' }}>
      Add field
    </Button>
  );
}
