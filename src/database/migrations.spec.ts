import { afterEach, describe, expect, it } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { readdirSync } from 'node:fs';
import {
  createServerDatabase,
  testDatabases,
  TEST_DATABASE_URL,
  type OwnDatabase,
} from '../../test/support/test-database.js';
import type { Db } from './database-driver.js';
import { appliedCount, migrate, MIGRATIONS_FOLDER } from './migrations.js';
import { ServerDriver } from './server.driver.js';

const migrationFiles = readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).length;

async function indexes(db: Db): Promise<string[]> {
  const result = (await db.execute(
    sql`select indexname from pg_indexes where tablename = 'messages' order by indexname`,
  )) as { rows: { indexname: string }[] };
  return result.rows.map((row) => row.indexname);
}

describe.each(testDatabases('empty'))('migrations on %s', (_name, create) => {
  let own: OwnDatabase | undefined;
  afterEach(async () => {
    await own?.dispose();
    own = undefined;
  });

  it('applies every migration file once, then nothing', async () => {
    own = await create();
    expect(migrationFiles).toBeGreaterThan(0);
    expect(await migrate(own.driver)).toBe(migrationFiles);
    expect(await migrate(own.driver)).toBe(0);
    const db = await own.driver.db();
    expect(await appliedCount(db)).toBe(migrationFiles);
    expect(await indexes(db)).toEqual([
      'messages_by_author',
      'messages_newest_first',
      'messages_pkey',
    ]);
  });

  it('applies them once when two migrators start together', async () => {
    own = await create();
    const counts = await Promise.all([migrate(own.driver), migrate(own.driver)]);
    expect(counts.sort()).toEqual([0, migrationFiles]);
  });
});

// Three processes' pools on one server database: only the advisory lock keeps them apart
// (without it, Drizzle's migrator fails on the second: duplicate key in pg_type).
if (TEST_DATABASE_URL) {
  describe('migrators of three replicas on one server', () => {
    it('apply each migration once, the others waiting for the first', async () => {
      const database = await createServerDatabase();
      const replicas = [1, 2, 3].map(() => new ServerDriver(database.url, 2, () => undefined));
      try {
        const counts = await Promise.all(replicas.map((driver) => migrate(driver)));
        expect(counts.sort()).toEqual([0, 0, migrationFiles]);
        expect(await appliedCount(await replicas[0].db())).toBe(migrationFiles);
      } finally {
        await Promise.all(replicas.map((driver) => driver.close()));
        await database.drop();
      }
    });
  });
}
