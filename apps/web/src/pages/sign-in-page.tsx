import { Alert, Box, Button, Divider, Paper, Stack, TextField, Typography } from '@mui/material';
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ProblemError } from '../api/problem';
import { API_BASE } from '../api/session';
import { useSignIn, useSignInProviders } from '../features/session/hooks';

/**
 * Sign-in with email and password, or through the organisation's identity
 * provider (OIDC) when the api has one. Either way the session ends up in an
 * HttpOnly cookie; the page only learns who signed in.
 */
export function SignInPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const providers = useSignInProviders();
  const signIn = useSignIn();
  const next = params.get('next') || '/';
  // A reason sent back by the OIDC callback, else the notice that a session ended.
  const returned = params.get('error');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate({ email: email.trim(), password }, { onSuccess: () => navigate(next, { replace: true }) });
  };
  const error = signIn.error
    ? signIn.error instanceof ProblemError && [401, 429].includes(signIn.error.status)
      ? signIn.error.status === 401
        ? 'The email or the password is wrong.'
        : signIn.error.message
      : `Cannot reach the api: ${signIn.error.message}`
    : null;

  return (
    <Box sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center', bgcolor: 'background.default', p: 2 }}>
      <Paper component="form" onSubmit={submit} sx={{ p: 4, width: '100%', maxWidth: 420 }} elevation={3}>
        <Stack spacing={2}>
          <Typography variant="h5" component="h1">
            Sign in to Anom
          </Typography>
          {returned ? (
            <Alert severity="error">{returned}</Alert>
          ) : (
            params.get('expired') && !error && <Alert severity="warning">Your session ended; sign in again.</Alert>
          )}
          {error && <Alert severity="error">{error}</Alert>}
          <TextField
            label="Email"
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoFocus
            required
          />
          <TextField
            label="Password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
          <Button type="submit" variant="contained" disabled={signIn.isPending || !email.trim() || !password}>
            Sign in
          </Button>
          {providers.data?.oidc && (
            <>
              <Divider>or</Divider>
              <Button variant="outlined" href={`${API_BASE}/auth/oidc/start?returnTo=${encodeURIComponent(next)}`}>
                Sign in with {providers.data.oidc.name}
              </Button>
            </>
          )}
        </Stack>
      </Paper>
    </Box>
  );
}
