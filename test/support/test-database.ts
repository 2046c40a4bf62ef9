import { PGlite } from '@electric-sql/pglite';
import type { TestingModuleBuilder } from '@nestjs/testing';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import pg from 'pg';
import {
  Database,
  DATABASE_DRIVER,
  EmbeddedDriver,
  migrate,
  MIGRATIONS_FOLDER,
  ServerDriver,
  type DatabaseDriver,
} from '../../src/database/index.js';
import { fileDatabase } from './file-database.js';

/*
 * Databases for the tests. `npm test` runs on PGlite in memory: one instance per test file,
 * shared by every app the file starts, started from a copy of a migrated data directory. With
 * TEST_DATABASE_URL set, the storage specs also run against that server, each in a database of
 * its own, dropped afterwards.
 */

/** The server the storage specs also run against (`.ci/run` sets it when one answers). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || undefined;

const require = createRequire(import.meta.url);

/** What a template holds: a fresh data directory, or one with every migration applied. */
export type Template = 'empty' | 'migrated';

/** Names a template by what it depends on: the PGlite version, and the migrations if applied. */
async function templateKey(kind: Template): Promise<string> {
  const packageDir = join(dirname(require.resolve('@electric-sql/pglite')), '..');
  const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  if (kind === 'empty') return `${version}-empty`;
  const hash = createHash('sha256');
  for (const name of (await readdir(MIGRATIONS_FOLDER, { recursive: true })).sort()) {
    const path = join(MIGRATIONS_FOLDER, name);
    if (name.endsWith('.sql') || name.endsWith('.json'))
      hash.update(name).update(await readFile(path));
  }
  return `${version}-migrated-${hash.digest('hex').slice(0, 16)}`;
}

/**
 * A data directory as a tarball, made once and kept in node_modules/.cache: a new in-memory
 * PGlite starts from it in about 1 s, instead of 2-4 s of initdb (and the migrations after).
 */
async function template(kind: Template): Promise<Blob> {
  const file = join('node_modules', '.cache', 'pglite-template', `${await templateKey(kind)}.tar`);
  try {
    return new Blob([await readFile(file)]);
  } catch {
    const fresh = kind === 'empty' ? await PGlite.create() : await freshPglite('empty');
    if (kind === 'migrated') await migrate(EmbeddedDriver.sharing(() => Promise.resolve(fresh)));
    const dump = await fresh.dumpDataDir('none');
    await fresh.close();
    await mkdir(dirname(file), { recursive: true });
    // Workers may race to write it: each writes its own file and renames it into place.
    const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
    return dump;
  }
}

/** A new in-memory PGlite of its own, with no table yet or migrated; the caller closes it. */
export async function freshPglite(kind: Template): Promise<PGlite> {
  return PGlite.create({ loadDataDir: await template(kind) });
}

let sharedDriver: DatabaseDriver | undefined;

/** This test file's one in-memory PGlite (migrated), started on first use. */
export function sharedPglite(): Promise<PGlite> {
  fileDatabase.pglite ??= freshPglite('migrated');
  return fileDatabase.pglite;
}

/**
 * The driver the tests' apps get: one per file, on the file's shared PGlite, left open when an
 * app closes. One driver, so apps started together take turns to migrate.
 */
export function testDatabaseDriver(): DatabaseDriver {
  sharedDriver ??= EmbeddedDriver.sharing(sharedPglite);
  return sharedDriver;
}

/** Points the app's `DatabaseModule` at `driver` (default: the file's shared PGlite). */
export function useTestDatabase(
  builder: TestingModuleBuilder,
  driver: DatabaseDriver = testDatabaseDriver(),
): TestingModuleBuilder {
  return builder.overrideProvider(DATABASE_DRIVER).useValue(driver);
}

/** A database of its own on the TEST_DATABASE_URL server. */
export interface ServerDatabase {
  url: string;
  drop(): Promise<void>;
}

async function onServer(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Creates an empty database on the TEST_DATABASE_URL server; `drop()` removes it. */
export async function createServerDatabase(): Promise<ServerDatabase> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `test_${process.pid}_${randomBytes(6).toString('hex')}`;
  await onServer(TEST_DATABASE_URL, `create database ${name}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: () => onServer(TEST_DATABASE_URL, `drop database if exists ${name} with (force)`),
  };
}

/** A database of its own for one spec, and how to get rid of it. */
export interface OwnDatabase {
  driver: DatabaseDriver;
  dispose(): Promise<void>;
}

/**
 * The databases a storage spec runs on, for `describe.each`: a fresh in-memory PGlite (from the
 * `template`), and with TEST_DATABASE_URL a new, empty database on that server.
 */
export function testDatabases(
  template: Template = 'migrated',
): [string, () => Promise<OwnDatabase>][] {
  const databases: [string, () => Promise<OwnDatabase>][] = [
    [
      'PGlite',
      async () => {
        const pglite = await freshPglite(template);
        return {
          driver: EmbeddedDriver.sharing(() => Promise.resolve(pglite)),
          dispose: () => pglite.close(),
        };
      },
    ],
  ];
  if (TEST_DATABASE_URL) {
    databases.push([
      'a PostgreSQL server',
      async () => {
        const database = await createServerDatabase();
        const driver = new ServerDriver(database.url, 4, () => undefined);
        return {
          driver,
          dispose: async () => {
            try {
              await driver.close();
            } finally {
              await database.drop();
            }
          },
        };
      },
    ]);
  }
  return databases;
}

/** A `Database` on `driver`, started as the app starts it (migrations applied) and ready. */
export async function openDatabase(driver: DatabaseDriver): Promise<Database> {
  const database = new Database(driver);
  await database.onApplicationBootstrap();
  const status = await database.status();
  if (!status.up) throw new Error(`the test database is not ready: ${status.reason}`);
  return database;
}
