/**
 * Bounds a graceful shutdown: on SIGTERM or SIGINT (which Nest's shutdown
 * hooks turn into `app.close()`: stop taking work, let in-flight requests and
 * jobs finish, close connections) the process exits with status 1 if it is
 * still running `timeoutMs` later. Unfinished work is not lost: an ingest
 * that had not answered 202 is retried by its client, and an evaluation job
 * whose lock lapses is taken by another worker (see DESIGN.md, pipeline
 * guarantees). 25 s by default fits Kubernetes' 30 s termination grace and
 * Docker's 10 s only with `stop_grace_period` set (docker-compose.yml does).
 */
export function exitWithin(timeoutMs: number, what: string): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => {
      setTimeout(() => {
        process.stderr.write(`${what} did not stop within ${timeoutMs} ms of ${signal}; exiting\n`);
        process.exit(1);
      }, timeoutMs).unref();
    });
}

/**
 * SHUTDOWN_TIMEOUT_MS from the environment (milliseconds, default 25,000). Throws on a value that is not a positive
 * number.
 */
export function shutdownTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SHUTDOWN_TIMEOUT_MS;
  if (raw === undefined || raw === '') return 25_000;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms <= 0)
    throw new Error(
      `invalid environment:\n  SHUTDOWN_TIMEOUT_MS: must be a positive number of milliseconds, got '${raw}'`,
    );
  return ms;
}
