import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { ProblemError, type Problem } from './problem';
import { API_BASE, getCsrfToken } from './session';

/** Called on a 401 (the session ended) of any call but the session check itself: the app navigates to sign-in. */
let onUnauthorized: () => void = () => undefined;
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const auth: Middleware = {
  onRequest({ request }) {
    const csrf = getCsrfToken();
    if (csrf && !SAFE_METHODS.has(request.method)) request.headers.set('x-csrf-token', csrf);
    return request;
  },
  async onResponse({ request, response }) {
    if (response.ok) return response;
    // The session check answers 401 to anyone not signed in yet: the router sends them to sign-in without "ended".
    if (response.status === 401 && !new URL(request.url).pathname.endsWith('/auth/session')) onUnauthorized();
    let problem: Problem;
    try {
      problem = (await response.clone().json()) as Problem;
    } catch {
      problem = {
        title: response.statusText || 'Request failed',
        status: response.status,
        detail: `the api answered ${response.status}`,
      };
    }
    throw new ProblemError({ ...problem, status: problem.status ?? response.status });
  },
};

/**
 * The typed api client: paths, parameters and request bodies come from the
 * api's OpenAPI document (`npm run openapi` regenerates `schema.d.ts`), so a
 * route or DTO change that the web app does not follow fails its type check.
 * Every non-2xx answer throws a {@link ProblemError}.
 */
// fetch looked up per call, so tests can stand in a fake server.
export const api = createClient<paths>({ baseUrl: API_BASE, fetch: (r) => globalThis.fetch(r) });
api.use(auth);

/** The body of a successful call, typed as the caller's model (the document types requests, not answers). */
export async function call<T>(p: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<T> {
  const r = await p;
  return r.data as T;
}
