import { DomainError } from '@anom/domain';
import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toProblem } from '../problem';

/** Where 500s are logged. */
export interface ErrorLogger {
  error(obj: object, msg: string): void;
}

/** The one place errors become HTTP answers: RFC 9457 `application/problem+json`. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(
    private readonly logger: ErrorLogger,
    private readonly bodyLimit: number,
  ) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    sendProblem(err, req, reply, this.bodyLimit, this.logger);
  }
}

/** Sends `err` as problem+json on `reply`, logging 500s with their error id. */
export function sendProblem(
  err: unknown,
  req: FastifyRequest,
  reply: FastifyReply,
  bodyLimit: number,
  logger: ErrorLogger,
): void {
  const problem = toProblem(err, req.url, bodyLimit);
  if (problem.status >= 500)
    logger.error({ err, errorId: problem.errorId, url: req.url, method: req.method }, 'request failed');
  if (err instanceof DomainError) for (const [k, v] of Object.entries(err.headers)) void reply.header(k, v);
  if (wantsFhir(req)) {
    const root = (req.body as { resourceType?: unknown } | undefined)?.resourceType;
    void reply
      .status(problem.status)
      .header('content-type', 'application/fhir+json; charset=utf-8')
      .send(toOperationOutcome(problem, typeof root === 'string' ? root : null));
    return;
  }
  void reply.status(problem.status).header('content-type', 'application/problem+json; charset=utf-8').send(problem);
}

/** Requests answered in FHIR's terms: the /fhir/ routes, and ingest of a FHIR body (marked by the ingest route). */
function wantsFhir(req: FastifyRequest): boolean {
  return req.url.startsWith('/fhir/') || (req as FastifyRequest & { fhir?: boolean }).fhir === true;
}

/** OperationOutcome.issue.code (http://hl7.org/fhir/R4/valueset-issue-type.html) of an HTTP status. */
function issueCode(status: number): string {
  if (status === 401) return 'login';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 413) return 'too-long';
  if (status === 429) return 'throttled';
  if (status >= 500) return 'exception';
  return 'invalid';
}

/**
 * A problem as a FHIR OperationOutcome (http://hl7.org/fhir/R4/operationoutcome.html): one issue per offending
 * place, its `expression` the FHIRPath of the element (`Bundle.entry[3].resource.code`, from the JSON pointer
 * `/entry/3/resource/code` under the body's `root` type), or one issue with the problem's detail.
 */
export function toOperationOutcome(
  problem: { status: number; detail?: string; errors?: { pointer: string; detail: string }[] },
  root: string | null,
): Record<string, unknown> {
  const code = issueCode(problem.status);
  const issues = problem.errors?.length
    ? problem.errors.map((e) => ({
        severity: 'error',
        code,
        diagnostics: e.detail,
        ...(e.pointer ? { expression: [fhirPath(e.pointer, root)] } : {}),
      }))
    : [{ severity: 'error', code, diagnostics: problem.detail ?? 'error' }];
  return { resourceType: 'OperationOutcome', issue: issues };
}

function fhirPath(pointer: string, root: string | null): string {
  let out = root ?? '';
  for (const seg of pointer.split('/').slice(1)) out += /^\d+$/.test(seg) ? `[${seg}]` : `${out ? '.' : ''}${seg}`;
  return out || '$this';
}
