/**
 * The browser session lives in an HttpOnly cookie the app cannot read (set by
 * `POST /auth/sign-in` or the OIDC callback). What the app keeps is the
 * session's CSRF token, sent back in X-CSRF-Token on every request that
 * changes something; it comes with the sign-in answer and `GET /auth/session`.
 */
let csrfToken: string | null = null;

export function getCsrfToken(): string | null {
  return csrfToken;
}

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Where the api is reached from the browser: the app's own origin under /api (proxied). */
export const API_BASE = `${typeof window === 'undefined' ? '' : window.location.origin}/api`;
