import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/* Reading environment variables: what every settings part of the app shares. */

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The environment over `.env` (when present; the environment wins), read once by an entry point.
 * Nothing is written back to `process.env`.
 */
export function readEnvironment(file = '.env'): Env {
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}

/** Unset, or only spaces: the variable is treated as absent. */
export const blank = (v: string | undefined): v is undefined => v === undefined || v.trim() === '';

/** A comma-separated list, trimmed, without empty items; undefined when blank. */
export function list(v: string | undefined): string[] | undefined {
  return blank(v)
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
}
