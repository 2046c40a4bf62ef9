import type { PGlite } from '@electric-sql/pglite';

/*
 * The state behind `test-database.ts`'s shared PGlite, kept apart so that the setup file that
 * closes it (run for every test file, unit specs included) loads neither PGlite nor a driver.
 */

/** This test file's shared PGlite, once something started it. */
export const fileDatabase: { pglite?: Promise<PGlite> } = {};

/** Closes the file's PGlite, if one was started. */
export async function closeFileDatabase(): Promise<void> {
  const started = fileDatabase.pglite;
  fileDatabase.pglite = undefined;
  await (await started)?.close();
}
