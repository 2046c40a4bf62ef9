import { ConfigurationError } from './configuration.error.js';
import { blank, type Env } from './env.js';

/** Where the messages live: the embedded PostgreSQL (PGlite) or a PostgreSQL server. */
export type DatabaseSettings =
  | {
      kind: 'embedded';
      /** `DATA_DIR`: the embedded database's files (`memory://` keeps them in memory only). */
      dataDir: string;
    }
  | {
      kind: 'server';
      /** `DATABASE_URL`, as given. Never logged: it may hold a password. */
      url: string;
      /** `DATABASE_POOL_SIZE`: most connections this process opens to the server. */
      poolSize: number;
    };

export const DEFAULT_DATA_DIR = './data';
export const DEFAULT_POOL_SIZE = 10;
const MAX_POOL_SIZE = 1000;

const EXPECTED_URL = 'expected postgres://user:password@host:5432/database';

/** Checks the URL without ever echoing it: any part of it may be a password. */
function serverUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value.trim());
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')) {
    throw new ConfigurationError('DATABASE_URL', `is not a PostgreSQL URL; ${EXPECTED_URL}`);
  }
  if (!url.hostname) {
    throw new ConfigurationError('DATABASE_URL', `names no host; ${EXPECTED_URL}`);
  }
  return value.trim();
}

function poolSize(value: string | undefined): number {
  if (blank(value)) return DEFAULT_POOL_SIZE;
  const size = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!(size >= 1 && size <= MAX_POOL_SIZE)) {
    throw new ConfigurationError(
      'DATABASE_POOL_SIZE',
      `${value} is not a whole number of connections, 1..${MAX_POOL_SIZE}`,
    );
  }
  return size;
}

function dataDir(value: string | undefined): string {
  if (blank(value)) return DEFAULT_DATA_DIR;
  const dir = value.trim();
  // PGlite reads `scheme://` as a storage backend; only the in-memory one makes sense here.
  if (dir.includes('://') && dir !== 'memory://') {
    throw new ConfigurationError(
      'DATA_DIR',
      `${dir} is not a directory (the only non-directory value is memory://)`,
    );
  }
  return dir;
}

/**
 * Reads `DATABASE_URL`, `DATABASE_POOL_SIZE` and `DATA_DIR`; a wrong value throws, naming the
 * variable (a URL's password never appears in the message).
 */
export function databaseSettingsFromEnv(env: Env): DatabaseSettings {
  const size = poolSize(env.DATABASE_POOL_SIZE);
  if (blank(env.DATABASE_URL)) return { kind: 'embedded', dataDir: dataDir(env.DATA_DIR) };
  return { kind: 'server', url: serverUrl(env.DATABASE_URL), poolSize: size };
}
