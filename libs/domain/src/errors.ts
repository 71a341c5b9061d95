import type { InputErrorDetail } from '@anom/contracts';

/**
 * Stable error codes of the domain. The api's problem filter maps each code to
 * an HTTP status with an exhaustive switch, so adding a code without a mapping
 * fails to compile.
 */
export type DomainErrorCode =
  | 'VALIDATION_FAILED'
  | 'BODY_INVALID'
  | 'BUSINESS_NOT_FOUND'
  | 'BUSINESS_EXISTS'
  | 'BUSINESS_ARCHIVED'
  | 'BUSINESS_SCHEMA_INVALID'
  | 'FIELD_NOT_FOUND'
  | 'FIELD_EXISTS'
  | 'FIELD_IN_USE'
  | 'SOURCE_NOT_FOUND'
  | 'RULE_NOT_FOUND'
  | 'RULE_INVALID'
  | 'RULE_NAME_TAKEN'
  | 'ALERT_NOT_FOUND'
  | 'ALERT_NOT_SCORED'
  | 'CHANNEL_NOT_FOUND'
  | 'CHANNEL_NAME_TAKEN'
  | 'CHANNEL_INVALID'
  | 'SUGGESTION_NOT_FOUND'
  | 'SUGGESTION_DECIDED'
  | 'PROFILE_RUN_NOT_FOUND'
  | 'VIEW_NOT_FOUND'
  | 'VIEW_NAME_TAKEN'
  | 'SILENCE_NOT_FOUND'
  | 'SILENCE_INVALID'
  | 'ALERT_TRANSITION_INVALID'
  | 'EVENTS_INVALID'
  | 'EVENTS_MALFORMED'
  | 'BATCH_NOT_FOUND'
  | 'BATCH_TOO_LARGE'
  | 'BACKTEST_TOO_LARGE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'USER_NOT_FOUND'
  | 'USER_EXISTS'
  | 'API_KEY_NOT_FOUND'
  | 'OIDC_NOT_CONFIGURED'
  | 'ARCHIVE_NOT_FOUND'
  | 'ARCHIVE_NOT_CONFIGURED'
  | 'FHIR_NOT_FOUND';

/**
 * A failure a caller can act on. `errors` names each offending place with a
 * JSON pointer into the input and a reason (RFC 9457 `errors[]`).
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly errors: InputErrorDetail[] = [],
    /** Response headers the answer must carry (`Retry-After` of a 429). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Prefix every pointer of `errors` with `prefix` (e.g. `/fields/2`). */
export function prefixPointers(prefix: string, errors: InputErrorDetail[]): InputErrorDetail[] {
  return errors.map((e) => ({ pointer: `${prefix}${e.pointer}`, detail: e.detail }));
}
