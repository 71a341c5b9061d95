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
  void reply.status(problem.status).header('content-type', 'application/problem+json; charset=utf-8').send(problem);
}
