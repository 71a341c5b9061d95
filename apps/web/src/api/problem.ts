/** One input error of an RFC 9457 problem: a JSON pointer into the request and the reason. */
export interface ProblemFieldError {
  pointer: string;
  detail: string;
}

/** An RFC 9457 application/problem+json answer of the api. */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  code?: string;
  errors?: ProblemFieldError[];
}

/** Thrown by the api client for every non-2xx answer; carries the problem body. */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
    this.name = 'ProblemError';
  }

  get status(): number {
    return this.problem.status;
  }

  /** The reason given for `pointer` (e.g. `/condition`), or for any pointer below it. */
  fieldError(pointer: string): string | undefined {
    return this.problem.errors?.find((e) => e.pointer === pointer || e.pointer.startsWith(`${pointer}/`))?.detail;
  }
}

/** What to show a person for any error: the problem's detail, or the message. */
export function errorMessage(err: unknown): string {
  if (err instanceof ProblemError) {
    const fields = err.problem.errors?.map((e) => `${e.pointer || '/'}: ${e.detail}`).join('; ');
    return fields && !err.problem.detail?.includes(err.problem.errors![0].detail)
      ? `${err.message} (${fields})`
      : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
