import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { setCsrfToken } from '../../api/session';
import type { Permission, SessionView } from '../../api/models';
import { sessionKeys } from './keys';

/**
 * Who is signed in and what they may do (`GET /auth/session`); errors with
 * status 401 when nobody is. Keeps the session's CSRF token for the client.
 */
export function useSession() {
  return useQuery({
    queryKey: sessionKeys.current,
    queryFn: async () => {
      const s = await call<SessionView>(api.GET('/auth/session'));
      setCsrfToken(s.csrfToken);
      return s;
    },
    retry: false,
    staleTime: 60_000,
  });
}

/** Whether the signed-in person holds `permission` (false while the session loads). */
export function useCan(permission: Permission): boolean {
  return useSession().data?.permissions.includes(permission) ?? false;
}

/** How one may sign in here: password, and OIDC when configured. */
export function useSignInProviders() {
  return useQuery({
    queryKey: sessionKeys.providers,
    queryFn: () => call<{ password: boolean; oidc: { name: string } | null }>(api.GET('/auth/providers')),
    staleTime: Infinity,
  });
}

/** Password sign-in; on success the session is cached and its CSRF token kept. */
export function useSignIn() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; password: string }) => call<SessionView>(api.POST('/auth/sign-in', { body })),
    onSuccess: (s) => {
      setCsrfToken(s.csrfToken);
      qc.setQueryData(sessionKeys.current, s);
    },
  });
}

/** Ends the session and forgets everything cached for it. */
export function useSignOut() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => call<void>(api.POST('/auth/sign-out')),
    onSettled: () => {
      setCsrfToken(null);
      qc.clear();
    },
  });
}
