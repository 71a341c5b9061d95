import { vi } from 'vitest';

type Handler = (req: Request, body: unknown) => { status?: number; body: unknown } | undefined;

/** The session `GET /auth/session` answers unless a test names another: an admin, who may do everything. */
export const ADMIN_SESSION = {
  kind: 'user',
  actor: 'user:admin@example.com',
  user: { id: 'u-admin', email: 'admin@example.com', displayName: 'Admin', role: 'admin' },
  permissions: ['read', 'respond', 'edit', 'ingest', 'admin'],
  csrfToken: 'csrf-test',
};

/**
 * Stands in for the api in component tests: `routes` maps "METHOD /path" to
 * an answer; anything else answers 404 problem+json (but `GET /auth/session`,
 * an admin's, unless given). Returns the recorded requests (method, path with
 * query, body).
 */
export function fakeApi(given: Record<string, Handler | { status?: number; body: unknown }>) {
  const routes: Record<string, Handler | { status?: number; body: unknown }> = {
    'GET /auth/session': { body: ADMIN_SESSION },
    ...given,
  };
  const calls: { method: string; url: string; body: unknown }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: Request | string, init?: RequestInit) => {
      const req = input instanceof Request ? input : new Request(input, init);
      const url = new URL(req.url);
      const path = url.pathname.replace(/^\/api/, '');
      const text = req.method === 'GET' ? '' : await req.text();
      const body = text ? JSON.parse(text) : undefined;
      calls.push({ method: req.method, url: path + url.search, body });
      const route = routes[`${req.method} ${path}`];
      const answer = typeof route === 'function' ? route(req, body) : route;
      if (!answer)
        return new Response(
          JSON.stringify({
            type: 'about:blank',
            title: 'Not found',
            status: 404,
            detail: `no route ${req.method} ${path}`,
          }),
          { status: 404, headers: { 'content-type': 'application/problem+json' } },
        );
      const status = answer.status ?? 200;
      return new Response(JSON.stringify(answer.body), {
        status,
        headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
      });
    }),
  );
  return calls;
}
