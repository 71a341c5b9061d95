import { Alert, Box, Button, Paper, Stack, TextField, Typography } from '@mui/material';
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { ProblemError } from '../api/problem';
import { clearToken, setToken } from '../api/session';

/** Sign-in with the admin token (ANOM_ADMIN_TOKEN); checked against the api before it is kept. */
export function SignInPage() {
  const [token, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [params] = useSearchParams();
  const navigate = useNavigate();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setToken(token.trim());
    try {
      await api.GET('/businesses', { params: { query: { limit: 1 } } });
      navigate(params.get('next') || '/', { replace: true });
    } catch (err) {
      clearToken();
      setError(
        err instanceof ProblemError && err.status === 401
          ? 'That token is not the admin token.'
          : `Cannot reach the api: ${(err as Error).message}`,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center', bgcolor: 'background.default' }}>
      <Paper component="form" onSubmit={submit} sx={{ p: 4, width: 420 }} elevation={3}>
        <Stack spacing={2}>
          <Typography variant="h5" component="h1">
            Sign in to Anom
          </Typography>
          {params.get('expired') && <Alert severity="warning">Your session ended; sign in again.</Alert>}
          <TextField
            label="Admin token"
            type="password"
            value={token}
            onChange={(e) => setValue(e.target.value)}
            autoFocus
            required
            error={error !== null}
            helperText={error ?? 'The ANOM_ADMIN_TOKEN of this installation (see .env). Kept for this tab only.'}
          />
          <Button type="submit" variant="contained" disabled={busy || !token.trim()}>
            Sign in
          </Button>
        </Stack>
      </Paper>
    </Box>
  );
}
