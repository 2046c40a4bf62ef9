import { RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { unescape } from 'node:querystring';
import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { LogSettings } from '../config/log.settings.js';
import { requestIdOf } from './request-id.js';

/** What never reaches a log line. Tokens in the URL are handled by `redactUrl`. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.query.access_token',
  'req.body.access_token',
  'res.headers["set-cookie"]',
];

interface SerializedRequest {
  id?: unknown;
  method?: string;
  url?: string;
  query?: unknown;
  headers?: Record<string, unknown>;
  remoteAddress?: string;
}

const REDACTED = '[Redacted]';

/**
 * `access_token` (RFC 6750 §2.3) as the query parsers see it: by its decoded name, so
 * `access%5Ftoken` is one too, and in its array form (`access_token[]`, `access_token[0]`).
 */
const isTokenParameter = (decoded: string) =>
  decoded === 'access_token' || decoded.startsWith('access_token[');

/** Replaces the value of every `access_token` parameter of a URL's query string. */
export function redactUrl(url: string): string {
  const start = url.indexOf('?');
  if (start < 0) return url;
  const pairs = url
    .slice(start + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals < 0) return pair;
      const name = pair.slice(0, equals);
      // querystring's unescape never throws: a malformed escape stays as it is, as parsers keep it.
      return isTokenParameter(unescape(name.replaceAll('+', ' '))) ? `${name}=${REDACTED}` : pair;
    });
  return `${url.slice(0, start + 1)}${pairs.join('&')}`;
}

/** The parsed query with the value of every `access_token` parameter replaced. */
export function redactQuery(query: unknown): unknown {
  if (typeof query !== 'object' || query === null) return query;
  return Object.fromEntries(
    Object.entries(query).map(([name, value]) => [name, isTokenParameter(name) ? REDACTED : value]),
  );
}

/** pino-http's `genReqId` (Express): the id, also sent back as `X-Request-Id`. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const id = requestIdOf(req);
  res.setHeader('X-Request-Id', id);
  return id;
}

/** One short line per entry in development: `[Context] message GET /path → 401 (request id)`. */
const PRETTY = {
  singleLine: true,
  translateTime: 'SYS:HH:MM:ss.l',
  ignore: 'pid,hostname,context,req,res,responseTime',
  messageFormat:
    '{if context}[{context}] {end}{msg}{if req.method} {req.method} {req.url}{end}' +
    '{if res.statusCode} → {res.statusCode}{end}{if req.id} ({req.id}){end}',
};

/**
 * `nestjs-pino` parameters: JSON lines (or pino-pretty in development) at `LOG_LEVEL`, one line
 * per request with its id, and no credentials. `destination` lets tests read what is written.
 */
export function loggingParams(log: LogSettings, destination?: DestinationStream): Params {
  const options = {
    level: log.level,
    genReqId: requestId,
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
    serializers: {
      req: (req: SerializedRequest) => ({
        id: req.id,
        method: req.method,
        url: req.url && redactUrl(req.url),
        query: redactQuery(req.query),
        headers: req.headers,
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
      error || res.statusCode >= 500 ? 'error' : 'info',
    transport:
      log.format === 'pretty' && !destination
        ? { target: 'pino-pretty', options: PRETTY }
        : undefined,
  };
  return {
    pinoHttp: destination ? [options, destination] : options,
    // nestjs-pino's default route, '{/*splat}', never matches on Nest 12's Fastify adapter.
    forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
  };
}
