import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  IconButton,
  Tooltip,
} from '@mui/material';
import DeleteIcon from '@mui/icons-material/Delete';
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';

interface ConfirmOptions {
  title: string;
  body: string;
  confirmLabel?: string;
}

const ConfirmContext = createContext<(o: ConfirmOptions) => Promise<boolean>>(async () => false);

/** `const confirm = useConfirm(); if (await confirm({ title, body })) …` — for destructive actions. */
export function ConfirmProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<(ConfirmOptions & { resolve: (ok: boolean) => void }) | null>(null);
  const confirm = useCallback(
    (o: ConfirmOptions) => new Promise<boolean>((resolve) => setState({ ...o, resolve })),
    [],
  );
  const close = (ok: boolean) => {
    state?.resolve(ok);
    setState(null);
  };
  return (
    <ConfirmContext.Provider value={confirm}>
      {children}
      <Dialog open={state !== null} onClose={() => close(false)} aria-labelledby="confirm-title">
        <DialogTitle id="confirm-title">{state?.title}</DialogTitle>
        <DialogContent>
          <DialogContentText>{state?.body}</DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => close(false)}>Cancel</Button>
          <Button color="error" variant="contained" onClick={() => close(true)} autoFocus>
            {state?.confirmLabel ?? 'Confirm'}
          </Button>
        </DialogActions>
      </Dialog>
    </ConfirmContext.Provider>
  );
}

export function useConfirm() {
  return useContext(ConfirmContext);
}

/**
 * A destructive action behind a confirmation: a red text button, or a
 * delete icon with a tooltip when `icon` (then `label` is its accessible name).
 */
export function ConfirmButton({
  label,
  title,
  body,
  confirmLabel,
  onConfirm,
  icon = false,
  size = 'small',
}: ConfirmOptions & { label: string; onConfirm: () => void; icon?: boolean; size?: 'small' | 'medium' }) {
  const confirm = useConfirm();
  const onClick = async () => {
    if (await confirm({ title, body, confirmLabel })) onConfirm();
  };
  if (icon) {
    return (
      <Tooltip title={label}>
        <IconButton size={size} aria-label={label} onClick={onClick}>
          <DeleteIcon fontSize="small" />
        </IconButton>
      </Tooltip>
    );
  }
  return (
    <Button color="error" size={size} onClick={onClick}>
      {label}
    </Button>
  );
}
