/** Seconds a client is asked to wait (`Retry-After`) when the database can't be reached. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * The database can't be reached (or isn't migrated yet): the request is answered 503 with
 * `Retry-After`. `reason` is for logs and readiness; it never holds SQL or a connection string.
 */
export class DatabaseUnavailableError extends Error {
  constructor(readonly reason: string) {
    super('The database is unavailable; try again shortly');
  }
}

/** The database answered with an error a retry won't fix: a 500, logged without its SQL. */
export class DatabaseQueryError extends Error {
  constructor(readonly reason: string) {
    super(`Database query failed: ${reason}`);
  }
}

/**
 * The parts of an error read here, checked by shape: errors from Node's core fail `instanceof
 * Error` in another realm (Jest's test contexts), and each driver has its own error classes.
 */
interface ErrorLike {
  name?: unknown;
  message: string;
  code?: unknown;
  severity?: unknown;
  cause?: unknown;
}

function asError(value: unknown): ErrorLike | undefined {
  const e = value as ErrorLike | null | undefined;
  return typeof e === 'object' && e !== null && typeof e.message === 'string' ? e : undefined;
}

/** Errors that mean a bug in this program, never a database that went away. */
const PROGRAM_ERRORS = new Set(['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError']);

/**
 * SQLSTATE classes that mean "not now" rather than "never": connection exception (08),
 * insufficient resources such as too many connections (53), and the server shutting down or
 * starting (57P01-57P03).
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-3])/;

/** Drizzle wraps a driver's error (with the SQL in its message) as `cause`: look inside. */
function innermost(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5 && asError(current)?.cause; depth++) {
    current = asError(current)?.cause;
  }
  return current;
}

/** An error response from PostgreSQL (a server or PGlite) carries a SQLSTATE and a severity. */
function sqlState(error: ErrorLike | undefined): string | undefined {
  return typeof error?.code === 'string' && typeof error.severity === 'string'
    ? error.code
    : undefined;
}

/**
 * What failed, for logs and readiness: the SQLSTATE and PostgreSQL's message, or the network
 * error's code and message. Never the SQL text or its parameters (Drizzle's wrapper holds both).
 */
export function databaseFailureReason(error: unknown): string {
  const cause = asError(innermost(error));
  if (!cause) return String(innermost(error));
  const state = sqlState(cause);
  if (state) return `SQLSTATE ${state}: ${cause.message}`;
  return typeof cause.code === 'string' ? `${cause.code}: ${cause.message}` : cause.message;
}

/**
 * Whether an error means the database can't be reached now: a network error, a pool or query
 * timeout, a dropped connection (none carries a SQLSTATE), or one of the SQLSTATEs above.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const cause = asError(innermost(error));
  const state = sqlState(cause);
  if (state) return UNAVAILABLE_SQLSTATE.test(state);
  return !PROGRAM_ERRORS.has(String(cause?.name));
}

/** The error a request sees: 503 for an unreachable database, 500 for the rest, never the SQL. */
export function toRequestError(error: unknown): Error {
  if (error instanceof DatabaseUnavailableError || error instanceof DatabaseQueryError) {
    return error;
  }
  const reason = databaseFailureReason(error);
  return isDatabaseUnavailable(error)
    ? new DatabaseUnavailableError(reason)
    : new DatabaseQueryError(reason);
}
