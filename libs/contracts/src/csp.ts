import directives from './csp.json';

/**
 * The Content-Security-Policy of the web app and of the api's answers (MDN
 * "Content Security Policy"; OWASP CSP Cheat Sheet), kept in csp.json so the
 * web server's config reads the same list: scripts only from the app's own
 * origin, no plugins, no framing, connections only back to itself. Styles
 * allow inline because MUI (Emotion) and Swagger UI insert style elements at
 * run time. The api sends it through `@fastify/helmet`; the web servers
 * (vite preview, the test web server) send `contentSecurityPolicy()`.
 */
export const CSP_DIRECTIVES: Record<string, string[]> = directives;

/** CSP_DIRECTIVES as the header value (`default-src 'self'; …`). */
export function contentSecurityPolicy(): string {
  return Object.entries(CSP_DIRECTIVES)
    .map(([k, v]) => `${k} ${v.join(' ')}`)
    .join('; ');
}
