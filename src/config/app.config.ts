import type { IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import { AuthConfigurationError } from '../auth/index.js';
import { requestIdOf } from '../logging/request-id.js';
import { blank, list, type Env } from './env.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = 'json' | 'pretty';

/** The process-level settings beside the auth ones (see `.env.example`, "Production settings"). */
export interface AppSettings {
  /** `CORS_ORIGINS`: origins allowed to call the API from a browser; empty = CORS closed. */
  corsOrigins: string[];
  /** `BODY_LIMIT`: largest request body, in bytes. Default 100 kB. */
  bodyLimitBytes: number;
  /** `LOG_LEVEL`: pino level. Default `info`. */
  logLevel: LogLevel;
  /** `LOG_FORMAT`: `json`, or `pretty` (pino-pretty). Default: pretty on a terminal outside production. */
  logFormat: LogFormat;
}

export const DEFAULT_BODY_LIMIT_BYTES = 100 * 1024;

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

function origins(v: string | undefined): string[] {
  return (list(v) ?? []).map((origin) => {
    if (origin === '*') return origin;
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || url.origin !== origin || !/^https?:$/.test(url.protocol)) {
      throw new AuthConfigurationError(
        'CORS_ORIGINS',
        `${origin} is not an origin like https://app.example.com (scheme and host, no path)`,
      );
    }
    return origin;
  });
}

function bodyLimit(v: string | undefined): number {
  if (blank(v)) return DEFAULT_BODY_LIMIT_BYTES;
  const match = /^(\d+)\s*(b|kb|mb)?$/i.exec(v.trim());
  const bytes = match ? Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()] : NaN;
  if (!(bytes >= 1 && bytes <= 1024 * 1024 * 1024)) {
    throw new AuthConfigurationError('BODY_LIMIT', `${v} is not a size like 100kb, 1mb or 4096`);
  }
  return bytes;
}

function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads and checks the process-level settings; a wrong value throws, naming the variable.
 * `stdoutIsTty` decides the default log format (pretty on a terminal outside production).
 */
export function appSettingsFromEnv(
  env: Env,
  stdoutIsTty = process.stdout.isTTY === true,
): AppSettings {
  const level = blank(env.LOG_LEVEL) ? 'info' : env.LOG_LEVEL.trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new AuthConfigurationError(
      'LOG_LEVEL',
      `${env.LOG_LEVEL} is not one of ${LOG_LEVELS.join(', ')}`,
    );
  }
  let logFormat: LogFormat;
  if (blank(env.LOG_FORMAT)) {
    logFormat =
      env.NODE_ENV !== 'production' && stdoutIsTty && prettyAvailable() ? 'pretty' : 'json';
  } else {
    const format = env.LOG_FORMAT.trim().toLowerCase();
    if (format !== 'json' && format !== 'pretty') {
      throw new AuthConfigurationError('LOG_FORMAT', `${env.LOG_FORMAT} is not json or pretty`);
    }
    if (format === 'pretty' && !prettyAvailable()) {
      throw new AuthConfigurationError(
        'LOG_FORMAT',
        'pretty needs the pino-pretty package (a devDependency); use json in production',
      );
    }
    logFormat = format;
  }
  return {
    corsOrigins: origins(env.CORS_ORIGINS),
    bodyLimitBytes: bodyLimit(env.BODY_LIMIT),
    logLevel: level as LogLevel,
    logFormat,
  };
}

/**
 * Options for Fastify's constructor, from the environment: `new FastifyAdapter(httpAdapterOptions())`.
 * Fastify sets the body limit and the request id there (Express takes both in `configureApp`).
 */
export function httpAdapterOptions(env: Env = process.env): {
  bodyLimit: number;
  genReqId: (req: { headers: IncomingHttpHeaders }) => string;
} {
  return { bodyLimit: appSettingsFromEnv(env, false).bodyLimitBytes, genReqId: requestIdOf };
}
