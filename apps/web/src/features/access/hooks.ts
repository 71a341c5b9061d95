import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { ApiKey, AuditEntry, Page, Role, User } from '../../api/models';
import { accessKeys } from './keys';

/** Everyone who may sign in. */
export function useUsers() {
  return useQuery({ queryKey: accessKeys.users, queryFn: () => call<Page<User>>(api.GET('/users')) });
}

/** Every API key, live or revoked (tokens are never shown again). */
export function useApiKeys() {
  return useQuery({ queryKey: accessKeys.apiKeys, queryFn: () => call<Page<ApiKey>>(api.GET('/api-keys')) });
}

/** The audit log matching `filters` (actor, action, entityType, entityId, from, to), newest first, page by page. */
export function useAuditLog(filters: Record<string, string>) {
  return useInfiniteQuery({
    queryKey: accessKeys.audit(filters),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call<Page<AuditEntry>>(api.GET('/audit', { params: { query: { ...filters, limit: 50, cursor: pageParam } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** Adds a person. */
export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; displayName: string; role: Role; password?: string }) =>
      call<User>(api.POST('/users', { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: accessKeys.users }),
  });
}

/** Changes a person's role or disables/enables them (ends their sessions). */
export function useUpdateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string; role?: Role; disabled?: boolean }) =>
      call<User>(api.PATCH('/users/{userId}', { params: { path: { userId: id } }, body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: accessKeys.users }),
  });
}

/** Creates an API key; the answer holds its token, once. */
export function useCreateApiKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; scopes: string[]; expiresAt?: string }) =>
      call<ApiKey>(api.POST('/api-keys', { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: accessKeys.apiKeys }),
  });
}

export function useRevokeApiKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call<ApiKey>(api.DELETE('/api-keys/{keyId}', { params: { path: { keyId: id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: accessKeys.apiKeys }),
  });
}
