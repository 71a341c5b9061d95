import { randomUUID } from 'node:crypto';
import { HttpException } from '@nestjs/common';
import { DomainError, type DomainErrorCode } from '@anom/domain';
import type { InputErrorDetail } from '@anom/contracts';

/** RFC 9457 problem details, as every error of the api is answered. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  errors?: InputErrorDetail[];
  /** Set on 500s: quote it to find the logged error. */
  errorId?: string;
}

const TYPE_BASE = 'https://anom.dev/problems/';

/** HTTP status and title of each domain error code. Exhaustive: a new code must be mapped here. */
export function statusOf(code: DomainErrorCode): { status: number; title: string } {
  switch (code) {
    case 'VALIDATION_FAILED':
      return { status: 400, title: 'Invalid request' };
    case 'BODY_INVALID':
      return { status: 400, title: 'Invalid request body' };
    case 'EVENTS_MALFORMED':
      return { status: 400, title: 'Malformed events' };
    case 'EVENTS_INVALID':
      return { status: 422, title: 'Invalid events' };
    case 'BUSINESS_SCHEMA_INVALID':
      return { status: 400, title: 'Invalid business schema' };
    case 'RULE_INVALID':
      return { status: 400, title: 'Invalid rule' };
    case 'BUSINESS_NOT_FOUND':
      return { status: 404, title: 'Business not found' };
    case 'FIELD_NOT_FOUND':
      return { status: 404, title: 'Field not found' };
    case 'SOURCE_NOT_FOUND':
      return { status: 404, title: 'Source not found' };
    case 'RULE_NOT_FOUND':
      return { status: 404, title: 'Rule not found' };
    case 'ALERT_NOT_FOUND':
      return { status: 404, title: 'Alert not found' };
    case 'ALERT_NOT_SCORED':
      return { status: 409, title: 'Alert has no anomaly score' };
    case 'BATCH_NOT_FOUND':
      return { status: 404, title: 'Batch not found' };
    case 'FHIR_NOT_FOUND':
      return { status: 404, title: 'FHIR resource not found' };
    case 'ARCHIVE_NOT_FOUND':
      return { status: 404, title: 'Archive file not found' };
    case 'ARCHIVE_NOT_CONFIGURED':
      return { status: 409, title: 'No archive is configured' };
    case 'CHANNEL_NOT_FOUND':
      return { status: 404, title: 'Notification channel not found' };
    case 'CHANNEL_NAME_TAKEN':
      return { status: 409, title: 'Notification channel name taken' };
    case 'CHANNEL_INVALID':
      return { status: 400, title: 'Invalid notification channel' };
    case 'SUGGESTION_NOT_FOUND':
      return { status: 404, title: 'Suggestion not found' };
    case 'SUGGESTION_DECIDED':
      return { status: 409, title: 'Suggestion already decided' };
    case 'PROFILE_RUN_NOT_FOUND':
      return { status: 404, title: 'Profiling run not found' };
    case 'VIEW_NOT_FOUND':
      return { status: 404, title: 'View not found' };
    case 'VIEW_NAME_TAKEN':
      return { status: 409, title: 'View name taken' };
    case 'SILENCE_NOT_FOUND':
      return { status: 404, title: 'Silence not found' };
    case 'SILENCE_INVALID':
      return { status: 400, title: 'Invalid silence' };
    case 'BUSINESS_EXISTS':
      return { status: 409, title: 'Business already exists' };
    case 'BUSINESS_ARCHIVED':
      return { status: 409, title: 'Business is archived' };
    case 'FIELD_EXISTS':
      return { status: 409, title: 'Field already exists' };
    case 'FIELD_IN_USE':
      return { status: 409, title: 'Field in use' };
    case 'RULE_NAME_TAKEN':
      return { status: 409, title: 'Rule name taken' };
    case 'ALERT_TRANSITION_INVALID':
      return { status: 409, title: 'Alert state does not allow this' };
    case 'BATCH_TOO_LARGE':
      return { status: 413, title: 'Batch too large' };
    case 'BACKTEST_TOO_LARGE':
      return { status: 422, title: 'Backtest range too large' };
    case 'UNAUTHENTICATED':
      return { status: 401, title: 'Authentication required' };
    case 'FORBIDDEN':
      return { status: 403, title: 'Forbidden' };
    case 'RATE_LIMITED':
      return { status: 429, title: 'Too many requests' };
    case 'USER_NOT_FOUND':
      return { status: 404, title: 'User not found' };
    case 'USER_EXISTS':
      return { status: 409, title: 'User already exists' };
    case 'API_KEY_NOT_FOUND':
      return { status: 404, title: 'API key not found' };
    case 'OIDC_NOT_CONFIGURED':
      return { status: 404, title: 'OIDC sign-in is not configured' };
  }
}

/** Codes and titles of HTTP-level failures (routing, body parsing, limits). */
const HTTP_PROBLEMS: Record<number, { code: string; title: string }> = {
  400: { code: 'BAD_REQUEST', title: 'Bad request' },
  401: { code: 'UNAUTHENTICATED', title: 'Authentication required' },
  403: { code: 'FORBIDDEN', title: 'Forbidden' },
  404: { code: 'NOT_FOUND', title: 'Not found' },
  405: { code: 'METHOD_NOT_ALLOWED', title: 'Method not allowed' },
  413: { code: 'BODY_TOO_LARGE', title: 'Request body too large' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', title: 'Unsupported media type' },
  429: { code: 'TOO_MANY_REQUESTS', title: 'Too many requests' },
};

/**
 * Turns anything thrown into a problem. Unknown errors become a 500 with a
 * fresh `errorId` and no internals; the caller logs `{ err, errorId }`.
 */
export function toProblem(err: unknown, instance: string, bodyLimit: number): Problem {
  if (err instanceof DomainError) {
    const { status, title } = statusOf(err.code);
    return {
      type: TYPE_BASE + kebab(err.code),
      title,
      status,
      detail: err.message,
      instance,
      code: err.code,
      ...(err.errors.length ? { errors: err.errors } : {}),
    };
  }
  const e = err as { code?: string; statusCode?: number; message?: string; getStatus?: () => number };
  const status =
    err instanceof HttpException ? err.getStatus() : typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status < 500) {
    let detail = e?.message ?? 'bad request';
    let extra: InputErrorDetail[] | undefined;
    if (err instanceof HttpException) {
      const body = err.getResponse() as { message?: string | string[]; errors?: InputErrorDetail[] } | string;
      detail =
        typeof body === 'string'
          ? body
          : Array.isArray(body.message)
            ? body.message.join('; ')
            : (body.message ?? err.message);
      if (typeof body === 'object' && body.errors) extra = body.errors;
    }
    const known = HTTP_PROBLEMS[status];
    let code = known?.code ?? `HTTP_${status}`;
    let title = known?.title ?? 'Bad request';
    if (status === 400 && /JSON|body/i.test(detail)) {
      code = 'BODY_MALFORMED';
      title = 'Malformed request body';
    }
    if (status === 413) detail = `the request body exceeds the limit of ${bodyLimit} bytes`;
    if (e?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || status === 415)
      detail = 'send application/json or application/x-ndjson';
    return {
      type: TYPE_BASE + kebab(code),
      title,
      status,
      detail,
      instance,
      code,
      ...(extra ? { errors: extra } : {}),
    };
  }
  const errorId = randomUUID();
  return {
    type: TYPE_BASE + 'internal',
    title: 'Internal error',
    status: 500,
    detail: `an unexpected error occurred; quote errorId ${errorId}`,
    instance,
    code: 'INTERNAL',
    errorId,
  };
}

function kebab(code: string): string {
  return code.toLowerCase().replace(/_/g, '-');
}
