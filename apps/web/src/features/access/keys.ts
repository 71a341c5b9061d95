/** Query keys of people, API keys and the audit log (admin pages). */
export const accessKeys = {
  users: ['access', 'users'] as const,
  apiKeys: ['access', 'api-keys'] as const,
  audit: (filters: Record<string, string>) => ['access', 'audit', filters] as const,
};
