/**
 * The admin token, kept in session storage: it lives as long as the tab and
 * is never written to disk by the app. Any 401 from the api clears it and
 * sends the person back to sign-in.
 */
const KEY = 'anom.token';

export function getToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function setToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function clearToken(): void {
  sessionStorage.removeItem(KEY);
}

/** Where the api is reached from the browser: the app's own origin under /api (proxied). */
export const API_BASE = `${typeof window === 'undefined' ? '' : window.location.origin}/api`;
