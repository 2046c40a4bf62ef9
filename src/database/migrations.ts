import { sql, type SQL } from 'drizzle-orm';
import { fileURLToPath } from 'node:url';
import type { Db, DatabaseDriver } from './database-driver.js';

/**
 * The SQL files `npm run db:generate` writes from the schema (`src/**\/*.table.ts`). The path is
 * the same from `src/database` (tests) and `dist/database` (the built API).
 */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Where Drizzle records the migrations it applied (its defaults, spelled out). */
const MIGRATIONS_SCHEMA = 'drizzle';
const MIGRATIONS_TABLE = '__drizzle_migrations';

/**
 * The key of the session-level advisory lock that serialises migrators: replicas that start
 * together take turns, and every one after the first finds nothing left to apply.
 */
export const MIGRATION_LOCK_KEY = 7_347_210_455_104_116n;

/**
 * Applies the pending migrations under the advisory lock, on one session, and returns how many it
 * applied. Drizzle's own migrator takes no lock; holding one around it is what makes concurrent
 * starts safe.
 */
export async function migrate(driver: DatabaseDriver): Promise<number> {
  return driver.withSession(async ({ db, applyMigrations }) => {
    await db.execute(sql.raw(`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`));
    try {
      const before = await appliedCount(db);
      await applyMigrations({
        migrationsFolder: MIGRATIONS_FOLDER,
        migrationsSchema: MIGRATIONS_SCHEMA,
        migrationsTable: MIGRATIONS_TABLE,
      });
      return (await appliedCount(db)) - before;
    } finally {
      await db.execute(sql.raw(`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`));
    }
  });
}

/** Both drivers answer `execute` with `{ rows }`. */
async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as { rows: T[] }).rows;
}

/** Migrations recorded as applied; 0 before the first run (no table yet). */
export async function appliedCount(db: Db): Promise<number> {
  const table = `${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE}`;
  const [exists] = await rows<{ found: boolean }>(
    db,
    sql`select to_regclass(${table}) is not null as found`,
  );
  if (!exists?.found) return 0;
  const [counted] = await rows<{ count: number }>(
    db,
    sql`select count(*)::int as count from ${sql.identifier(MIGRATIONS_SCHEMA)}.${sql.identifier(MIGRATIONS_TABLE)}`,
  );
  return counted?.count ?? 0;
}
