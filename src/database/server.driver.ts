import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Db, DatabaseDriver, Session } from './database-driver.js';

/**
 * How long to wait for a connection, and for a request's query, before calling the server
 * unreachable (migrations have no query timeout, see `withSession`).
 */
export const CONNECT_TIMEOUT_MS = 5000;
export const QUERY_TIMEOUT_MS = 10000;

/** The part of the URL logs may show: host, port and database, never the user or password. */
export function describeServer(url: string): string {
  const { hostname, port, pathname } = new URL(url);
  return `PostgreSQL server ${hostname}:${port || '5432'}${pathname || '/'}`;
}

/**
 * A PostgreSQL server through a `pg` pool of at most `poolSize` connections. The pool connects
 * on demand and replaces broken connections, so it recovers by itself once the server answers.
 */
export class ServerDriver implements DatabaseDriver {
  readonly description: string;
  private readonly pool: pg.Pool;
  private readonly database: Db;
  private closing?: Promise<void>;

  constructor(
    private readonly url: string,
    poolSize: number,
    private readonly onIdleError: (error: Error) => void,
  ) {
    this.description = describeServer(url);
    this.pool = new pg.Pool({
      ...this.connectionOptions(),
      max: poolSize,
      query_timeout: QUERY_TIMEOUT_MS,
    });
    // An idle connection the server drops emits here; unheard, it would end the process.
    this.pool.on('error', onIdleError);
    this.database = drizzle(this.pool);
  }

  db(): Promise<Db> {
    return Promise.resolve(this.database);
  }

  /**
   * A connection of its own, outside the pool and without the query timeout: a migration may
   * wait for another replica's lock, or build an index, for longer than a request would.
   */
  async withSession<T>(work: (session: Session) => Promise<T>): Promise<T> {
    const client = new pg.Client(this.connectionOptions());
    client.on('error', this.onIdleError);
    try {
      await client.connect();
      const db = drizzle(client);
      return await work({ db, applyMigrations: (config) => migrate(db, config) });
    } finally {
      // Ending the session also releases a lock or a transaction a failure left behind.
      await client.end().catch(() => undefined);
    }
  }

  /** Ends the pool once, after its clients are released; later calls wait for the same end. */
  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }

  private connectionOptions(): pg.ClientConfig {
    return {
      connectionString: this.url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
      application_name: 'nest-oauth2-bearer',
    };
  }
}
