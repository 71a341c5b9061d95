/** Query parameters that may carry a credential (an EventSource client's token, an OAuth code or state). */
const SECRET_PARAMS = /([?&](?:access_token|token|api_key|key|code|state)=)[^&#]*/gi;

/** pino's request serializer with secret query parameters replaced by `[redacted]`. */
export function redactQuery<T extends { url?: string }>(req: T): T {
  return req.url ? { ...req, url: req.url.replace(SECRET_PARAMS, '$1[redacted]') } : req;
}
