import { createRequire } from 'node:module';
import { ConfigurationError } from './configuration.error.js';
import { blank, type Env } from './env.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = 'json' | 'pretty';

/** What the logs say and how (see `.env.example`). */
export interface LogSettings {
  /** `LOG_LEVEL`: pino level. Default `info`. */
  level: LogLevel;
  /** `LOG_FORMAT`: `json`, or `pretty` (pino-pretty). Default: pretty on a terminal outside production. */
  format: LogFormat;
}

function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

function format(env: Env, stdoutIsTty: boolean): LogFormat {
  if (blank(env.LOG_FORMAT)) {
    return env.NODE_ENV !== 'production' && stdoutIsTty && prettyAvailable() ? 'pretty' : 'json';
  }
  const value = env.LOG_FORMAT.trim().toLowerCase();
  if (value !== 'json' && value !== 'pretty') {
    throw new ConfigurationError('LOG_FORMAT', `${env.LOG_FORMAT} is not json or pretty`);
  }
  if (value === 'pretty' && !prettyAvailable()) {
    throw new ConfigurationError(
      'LOG_FORMAT',
      'pretty needs the pino-pretty package (a devDependency); use json in production',
    );
  }
  return value;
}

/**
 * Reads and checks `LOG_LEVEL` and `LOG_FORMAT`. `stdoutIsTty` decides the default format (pretty
 * on a terminal outside production).
 */
export function logSettingsFromEnv(env: Env, stdoutIsTty: boolean): LogSettings {
  const level = blank(env.LOG_LEVEL) ? 'info' : env.LOG_LEVEL.trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigurationError(
      'LOG_LEVEL',
      `${env.LOG_LEVEL} is not one of ${LOG_LEVELS.join(', ')}`,
    );
  }
  return { level: level as LogLevel, format: format(env, stdoutIsTty) };
}
