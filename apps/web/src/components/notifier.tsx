import { Alert as MuiAlert, Snackbar } from '@mui/material';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { errorMessage } from '../api/problem';

interface Notifier {
  success: (message: string) => void;
  error: (err: unknown) => void;
}

const NotifierContext = createContext<Notifier>({ success: () => undefined, error: () => undefined });

/** Snackbars: successes briefly, errors (the problem+json detail) until dismissed. */
export function NotifierProvider({ children }: { children: ReactNode }) {
  const [msg, setMsg] = useState<{ text: string; severity: 'success' | 'error'; key: number } | null>(null);
  const success = useCallback((text: string) => setMsg({ text, severity: 'success', key: Date.now() }), []);
  const error = useCallback(
    (err: unknown) => setMsg({ text: errorMessage(err), severity: 'error', key: Date.now() }),
    [],
  );
  const value = useMemo(() => ({ success, error }), [success, error]);
  return (
    <NotifierContext.Provider value={value}>
      {children}
      <Snackbar
        key={msg?.key}
        open={msg !== null}
        autoHideDuration={msg?.severity === 'error' ? null : 4000}
        onClose={(_e, reason) => reason !== 'clickaway' && setMsg(null)}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'center' }}
      >
        <MuiAlert
          severity={msg?.severity ?? 'success'}
          variant="filled"
          onClose={() => setMsg(null)}
          sx={{ maxWidth: 640 }}
          role="alert"
        >
          {msg?.text}
        </MuiAlert>
      </Snackbar>
    </NotifierContext.Provider>
  );
}

export function useNotifier(): Notifier {
  return useContext(NotifierContext);
}
