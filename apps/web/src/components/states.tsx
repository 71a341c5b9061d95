import { Alert, Box, CircularProgress, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { errorMessage } from '../api/problem';

export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, p: 4 }} role="status" aria-live="polite">
      <CircularProgress size={24} />
      <Typography color="text.secondary">{label}…</Typography>
    </Box>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Box sx={{ p: 4, textAlign: 'center', color: 'text.secondary' }}>
      <Typography>{children}</Typography>
    </Box>
  );
}

export function ErrorState({ error }: { error: unknown }) {
  return (
    <Alert severity="error" sx={{ m: 2 }}>
      {errorMessage(error)}
    </Alert>
  );
}

/** Loading, error or content of a query, in one place. */
export function QueryState<T>({
  query,
  children,
}: {
  query: { isPending: boolean; error: unknown; data?: T };
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading />;
  if (query.error) return <ErrorState error={query.error} />;
  return <>{children(query.data as T)}</>;
}
