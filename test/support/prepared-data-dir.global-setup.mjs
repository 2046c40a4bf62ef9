// Jest globalSetup: once per PGlite version, an initialised data directory that each built
// process a test starts gets a copy of (see `embeddedDataDir` in processes.ts), so the child opens
// a database in under a second instead of creating one (initdb, seconds on a busy machine).
import { PGlite } from '@electric-sql/pglite';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function preparedDataDir() {
  const { version } = JSON.parse(
    readFileSync('node_modules/@electric-sql/pglite/package.json', 'utf8'),
  );
  return join('node_modules', '.cache', 'pglite-template', `${version}-datadir`);
}

export default async function prepare() {
  const dir = preparedDataDir();
  if (existsSync(join(dir, 'PG_VERSION'))) return;
  const partial = `${dir}.${process.pid}`;
  // After `npm ci` there is no node_modules/.cache yet, and PGlite makes one level only.
  mkdirSync(dirname(partial), { recursive: true });
  const database = await PGlite.create({ dataDir: partial });
  await database.close();
  try {
    renameSync(partial, dir);
  } catch {
    rmSync(partial, { recursive: true, force: true }); // another run made it first
  }
}
