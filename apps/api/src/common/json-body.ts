import { DomainError, jsonProblem } from '@anom/domain';

/**
 * Parses a JSON request body and checks it with jsonProblem before anything
 * else sees it: nesting and width are bounded (a recursive DTO transform or
 * validator can neither overflow the stack nor spend seconds), and no NUL,
 * lone surrogate, infinite number or `__proto__` key gets through to a
 * handler. Throws a 400: Fastify's own error for malformed or empty JSON,
 * DomainError('BODY_INVALID') naming the pointer and reason otherwise.
 */
export function parseJsonBody(text: string): unknown {
  if (text === '')
    throw Object.assign(new Error("Body cannot be empty when content-type is set to 'application/json'"), {
      statusCode: 400,
      code: 'FST_ERR_CTP_EMPTY_JSON_BODY',
    });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw Object.assign(new Error(`malformed JSON body: ${(err as Error).message}`), { statusCode: 400 });
  }
  const problem = jsonProblem(value);
  if (problem) throw new DomainError('BODY_INVALID', `${problem.pointer || 'the body'} ${problem.detail}`, [problem]);
  return value;
}
