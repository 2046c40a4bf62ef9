import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import pg from 'pg';
import { freshPglite } from '../../test/support/test-database.js';
import { TcpProxy } from '../../test/support/tcp-proxy.js';
import {
  DatabaseQueryError,
  DatabaseUnavailableError,
  databaseFailureReason,
  isDatabaseUnavailable,
  toRequestError,
} from './database-errors.js';

/** The error `work` fails with (the test fails if it doesn't). */
async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
  return work().then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('what a database error means for a request', () => {
  let pglite: PGlite;
  beforeAll(async () => {
    pglite = await freshPglite('empty');
  });
  afterAll(() => pglite?.close());

  it('a query PostgreSQL refuses is a 500 that names the SQLSTATE, not the SQL or its values', async () => {
    const error = await failureOf(() =>
      drizzle(pglite).execute(sql`select secret_column from no_such_table where x = ${'hunter2'}`),
    );
    expect(isDatabaseUnavailable(error)).toBe(false);
    const reason = databaseFailureReason(error);
    expect(reason).toMatch(/^SQLSTATE 42P01: /);
    expect(reason).not.toMatch(/select|hunter2/i);
    const answer = toRequestError(error);
    expect(answer).toBeInstanceOf(DatabaseQueryError);
    expect(answer.message).not.toMatch(/select|hunter2/i);
  });

  it('a refused connection is a 503, named by its code', async () => {
    const closed = await TcpProxy.reserve({ host: '127.0.0.1', port: 1 });
    const client = new pg.Client({
      connectionString: `postgres://app:hunter2@127.0.0.1:${closed.port}/db`,
    });
    const error = await failureOf(() => client.connect());
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(databaseFailureReason(error)).toMatch(/^ECONNREFUSED: /);
    expect(databaseFailureReason(error)).not.toContain('hunter2');
    expect(toRequestError(error)).toBeInstanceOf(DatabaseUnavailableError);
  });

  it.each([
    ['the server shutting down', '57P01', true],
    ['too many connections', '53300', true],
    ['a connection failure', '08006', true],
    ['a unique violation', '23505', false],
    ['a permission problem', '42501', false],
  ])('%s, SQLSTATE %s: a 503 is %s', (_name, code, unavailable) => {
    const error = Object.assign(new Error('from the server'), { code, severity: 'FATAL' });
    expect(isDatabaseUnavailable(error)).toBe(unavailable);
  });

  it('a bug in this program is never taken for an outage', () => {
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
  });
});
