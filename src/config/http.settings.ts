import type { IncomingHttpHeaders } from 'node:http';
import { requestIdOf } from '../logging/request-id.js';
import { ConfigurationError } from './configuration.error.js';
import { blank, list, type Env } from './env.js';

/** The HTTP platforms the API runs on, chosen by `HTTP_ADAPTER` (see `app.factory.ts`). */
export const HTTP_ADAPTERS = ['express', 'fastify'] as const;
export type HttpAdapterName = (typeof HTTP_ADAPTERS)[number];

/** How the API meets HTTP (see `.env.example`). */
export interface HttpSettings {
  /** `PORT`. Default 3000. */
  port: number;
  /** The address to listen on; unset: every interface (production). Development: 127.0.0.1. */
  host?: string;
  /** `HTTP_ADAPTER`: `express` (default) or `fastify`. */
  adapter: HttpAdapterName;
  /** `CORS_ORIGINS`: origins allowed to call the API from a browser; empty = CORS closed. */
  corsOrigins: string[];
  /** `BODY_LIMIT`: largest request body, in bytes. Default 100 kB. */
  bodyLimitBytes: number;
}

export const DEFAULT_PORT = 3000;
export const DEFAULT_BODY_LIMIT_BYTES = 100 * 1024;

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

function port(v: string | undefined): number {
  if (blank(v)) return DEFAULT_PORT;
  if (!(/^\d+$/.test(v.trim()) && Number(v) <= 65535)) {
    throw new ConfigurationError('PORT', `${v} is not a port number`);
  }
  return Number(v);
}

function adapter(v: string | undefined): HttpAdapterName {
  const value = (v ?? '').trim().toLowerCase() || 'express';
  if (!(HTTP_ADAPTERS as readonly string[]).includes(value)) {
    throw new ConfigurationError('HTTP_ADAPTER', `${v} is not one of ${HTTP_ADAPTERS.join(', ')}`);
  }
  return value as HttpAdapterName;
}

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
      throw new ConfigurationError(
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
    throw new ConfigurationError('BODY_LIMIT', `${v} is not a size like 100kb, 1mb or 4096`);
  }
  return bytes;
}

/** Reads and checks `PORT`, `HTTP_ADAPTER`, `CORS_ORIGINS` and `BODY_LIMIT`. */
export function httpSettingsFromEnv(env: Env): HttpSettings {
  return {
    port: port(env.PORT),
    adapter: adapter(env.HTTP_ADAPTER),
    corsOrigins: origins(env.CORS_ORIGINS),
    bodyLimitBytes: bodyLimit(env.BODY_LIMIT),
  };
}

/**
 * Options for Fastify's constructor: `new FastifyAdapter(fastifyOptions(settings.http))`. Fastify
 * sets the body limit and the request id there (Express takes both in `configureApp`).
 */
export function fastifyOptions(http: HttpSettings): {
  bodyLimit: number;
  genReqId: (req: { headers: IncomingHttpHeaders }) => string;
  routerOptions: { maxParamLength: number };
} {
  return {
    bodyLimit: http.bodyLimitBytes,
    genReqId: requestIdOf,
    // Fastify answers 414 past 100 characters; Express takes any id, to answer 404 like it.
    routerOptions: { maxParamLength: 16 * 1024 },
  };
}
