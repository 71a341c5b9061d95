/** Query keys of profiler suggestions and profiling runs. */
export const suggestionKeys = {
  business: (businessId: string) => ['suggestions', businessId] as const,
  list: (businessId: string, status: string) => ['suggestions', businessId, status] as const,
  latestRun: (businessId: string) => ['profile-run', businessId] as const,
};
