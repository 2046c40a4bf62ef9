import type { MigrationConfig } from 'drizzle-orm/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

/** The query builder repositories use: the same calls on the embedded database and on a server. */
export type Db = PgDatabase<PgQueryResultHKT>;

/** One connection, held for a while (see `DatabaseDriver.withSession`). */
export interface Session {
  db: Db;
  /** Drizzle's migrator for this driver, run on this connection. */
  applyMigrations: (config: MigrationConfig) => Promise<void>;
}

/**
 * One way to reach PostgreSQL (see `embedded.driver.ts` and `server.driver.ts`). Nothing is
 * opened before the first call, and a call that fails can be made again: the database may be down
 * at start and come up later.
 */
export interface DatabaseDriver {
  /** What logs and readiness may say about it (never a URL or a password). */
  readonly description: string;
  /** The query builder; the first call opens the database (or the pool). */
  db(): Promise<Db>;
  /** Runs `work` on one session (connection), as a session-level advisory lock needs. */
  withSession<T>(work: (session: Session) => Promise<T>): Promise<T>;
  /** Closes the database or the pool; queries made afterwards fail. */
  close(): Promise<void>;
}
