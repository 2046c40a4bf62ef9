import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigService } from '@nestjs/config';
import { Logger } from 'nestjs-pino';
import type { SettingsService } from './app.module.js';
import { AUTH_OPTIONS, discoveryUrl, type ResolvedAuthOptions } from './auth/index.js';
import { setupOpenApi, type OpenApiOptions } from './openapi/openapi.setup.js';

export interface ConfigureAppOptions {
  /** Only the development entry passes these (the development authority's public client). */
  openApi?: OpenApiOptions;
}

/** The part of a Fastify instance used here (no import of Fastify on the Express path). */
interface FastifyHooks {
  addHook(
    name: 'onRequest',
    hook: (
      request: { id: unknown },
      reply: { header(name: string, value: string): unknown },
      done: () => void,
    ) => void,
  ): unknown;
}

/** A body-parser error (`entity.too.large`, `entity.parse.failed`...), with its HTTP status. */
interface ParserError {
  status?: number;
  type?: string;
}

const PARSER_MESSAGES: Record<number, [string, string]> = {
  400: ['Bad Request', 'The request body is not valid'],
  413: ['Payload Too Large', 'The request body is larger than the limit'],
  415: ['Unsupported Media Type', 'The request body encoding is not supported'],
};

/**
 * Express: the body parsers run before Nest, so their errors would reach Express's HTML error
 * page. This answers them as JSON like every other error (`413` for an oversized body).
 */
function answerParserErrors(
  error: ParserError,
  _req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
): void {
  const status = error?.status ?? 0;
  const known = typeof error?.type === 'string' && PARSER_MESSAGES[status];
  if (!known || res.headersSent) return next(error);
  const [text, message] = known;
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ statusCode: status, error: text, message }));
}

/** helmet's defaults, with what Swagger UI at /docs needs: fetching the authorities' metadata. */
function helmetOptions(auth: ResolvedAuthOptions): Parameters<typeof helmet>[0] {
  const origins = auth.authorities.map(
    (authority) => new URL(discoveryUrl(auth, authority)).origin,
  );
  return {
    contentSecurityPolicy: {
      directives: {
        'connect-src': ["'self'", ...new Set(origins), 'https:'],
        'upgrade-insecure-requests': null,
      },
    },
  };
}

/**
 * What the entry points and the e2e tests share, so the tests exercise the app as it runs in
 * production: pino as the logger, shutdown hooks, helmet headers, CORS and the body limit from the
 * HTTP settings, and the OpenAPI document with Swagger UI. Module-level concerns (guards, filters,
 * pipes) live in the modules instead.
 *
 * Works with Express and Fastify: on Fastify, the body limit is an adapter constructor option
 * (`fastifyOptions`, see `src/config/http.settings.ts`).
 */
export function configureApp<T extends INestApplication>(
  app: T,
  options: ConfigureAppOptions = {},
): T {
  const settings = app.get<SettingsService>(ConfigService).get('http', { infer: true });
  const auth = app.get<ResolvedAuthOptions>(AUTH_OPTIONS);
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.use(helmet(helmetOptions(auth)));
  if (settings.corsOrigins.length > 0) {
    app.enableCors({
      origin: settings.corsOrigins.includes('*') ? '*' : settings.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
      exposedHeaders: ['WWW-Authenticate', 'Retry-After', 'X-Request-Id', 'Link'],
      maxAge: 600,
    });
  }
  if (app.getHttpAdapter().getType() === 'express') {
    const express = app as unknown as NestExpressApplication;
    express.useBodyParser('json', { limit: settings.bodyLimitBytes });
    express.useBodyParser('urlencoded', { limit: settings.bodyLimitBytes, extended: true });
    express.use(answerParserErrors);
  } else {
    // Fastify made the id (genReqId in httpAdapterOptions); pino-http logs it, the client gets it.
    const fastify = app.getHttpAdapter().getInstance() as FastifyHooks;
    fastify.addHook('onRequest', (request, reply, done) => {
      reply.header('X-Request-Id', String(request.id));
      done();
    });
  }
  setupOpenApi(app, options.openApi);
  return app;
}
