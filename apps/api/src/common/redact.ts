/** Query parameters that may carry a credential (an EventSource client's token, an OAuth code or state). */
const SECRET_PARAMS = /([?&](?:access_token|token|api_key|key|code|state)=)[^&#]*/gi;

/** pino's request serializer with secret query parameters replaced by `[redacted]`. */
export function redactQuery<T extends { url?: string }>(req: T): T {
  return req.url ? { ...req, url: req.url.replace(SECRET_PARAMS, '$1[redacted]') } : req;
}

/**
 * The level a finished request is logged at: `debug` (shown with LOG_LEVEL=debug), `error` for a server
 * error. A busy api logged every request at info: 1.5 MB in 18 minutes of the simulator.
 */
export function requestLogLevel(_req: unknown, res: { statusCode: number }, err?: Error): 'debug' | 'error' {
  return err || res.statusCode >= 500 ? 'error' : 'debug';
}

/** Requests never logged: health probes (`/health`, `/health/live`, `/health/ready`), every few seconds. */
export function skipRequestLog(req: { url?: string }): boolean {
  const path = (req.url ?? '').split('?')[0];
  return path === '/health' || path.startsWith('/health/');
}
