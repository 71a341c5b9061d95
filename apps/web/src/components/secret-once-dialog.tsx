import {
  Alert,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  IconButton,
  InputAdornment,
  TextField,
  Tooltip,
} from '@mui/material';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import type { ReactNode } from 'react';
import { useNotifier } from './notifier';

/**
 * Shows a new credential (a source token, an API key) the one time the api
 * returns it, with a copy button; `children` adds usage hints below.
 */
export function SecretOnceDialog({
  title,
  label,
  secret,
  onClose,
  children,
}: {
  title: string;
  label: string;
  /** The secret; null closes the dialog. */
  secret: string | null;
  onClose: () => void;
  children?: ReactNode;
}) {
  const notify = useNotifier();
  return (
    <Dialog open={secret !== null} onClose={onClose} maxWidth="sm" fullWidth>
      <DialogTitle>{title}</DialogTitle>
      <DialogContent>
        <Alert severity="warning" sx={{ mb: 2 }}>
          Copy it now: it is shown only once and stored only as a hash.
        </Alert>
        <TextField
          fullWidth
          value={secret ?? ''}
          label={label}
          slotProps={{
            input: {
              readOnly: true,
              endAdornment: (
                <InputAdornment position="end">
                  <Tooltip title="Copy">
                    <IconButton
                      aria-label="copy token"
                      onClick={async () => {
                        await navigator.clipboard.writeText(secret ?? '').then(
                          () => notify.success('Token copied'),
                          () =>
                            notify.error(new Error('The browser refused the clipboard; select the token and copy it.')),
                        );
                      }}
                    >
                      <ContentCopyIcon />
                    </IconButton>
                  </Tooltip>
                </InputAdornment>
              ),
            },
          }}
        />
        {children}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} variant="contained">
          Done
        </Button>
      </DialogActions>
    </Dialog>
  );
}
