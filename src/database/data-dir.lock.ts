import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';

/** A lock not refreshed for this long belongs to a process that died: it is taken over. */
const STALE_MS = 30_000;

/** `DATA_DIR` is held by another live process. */
export class DataDirInUseError extends Error {
  readonly code = 'EDATADIRINUSE';
  constructor(dir: string) {
    super(
      `DATA_DIR ${dir} is in use by another process: the embedded database serves one process ` +
        'at a time (replicas share a server through DATABASE_URL)',
    );
  }
}

/**
 * Takes `dir/.lock` (created with the directory if need be) so that two processes never open
 * the same PGlite files: PGlite itself doesn't check, and two writers would corrupt them. The
 * lock is refreshed while held, dropped at exit, and taken over once stale after a crash.
 * Resolves to the function that releases it.
 */
export async function lockDataDir(
  dir: string,
  onCompromised: (error: Error) => void,
): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  try {
    return await lockfile.lock(dir, {
      lockfilePath: join(dir, '.lock'),
      realpath: false,
      stale: STALE_MS,
      onCompromised,
    });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ELOCKED') throw new DataDirInUseError(dir);
    throw error;
  }
}
