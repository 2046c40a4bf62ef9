import type { INestApplication, Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import {
  ApiForbiddenResponse,
  ApiServiceUnavailableResponse,
  ApiUnauthorizedResponse,
  DECORATORS,
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
} from '@nestjs/swagger';
import {
  AUTH_OPTIONS,
  RouteAuthMetadata,
  discoveryUrl,
  type ResolvedAuthOptions,
  type RouteAuth,
} from '../auth/index.js';
import { serveSwaggerUi } from './swagger-ui.js';
import { SECURITY_SCHEME, describeRequirements, securityRequirements } from './route-security.js';

export const DOCS_PATH = 'docs';
export const DOCS_JSON_PATH = 'docs-json';

export interface OpenApiOptions {
  /**
   * Pre-fills the Authorize dialog (client_credentials). Only for the development authority, whose
   * client is local and public knowledge; never pass a real secret here.
   */
  oauthClient?: { clientId: string; clientSecret: string };
}

type RouteHandler = Parameters<RouteAuthMetadata['forRoute']>[1];

/** Every route handler of the app, with its controller (what the swagger scanner walks too). */
function routeHandlers(
  app: INestApplication,
): { controller: Type; handler: RouteHandler; name: string }[] {
  const scanner = new MetadataScanner();
  return new DiscoveryService(app.get(ModulesContainer)).getControllers().flatMap((wrapper) => {
    const controller = wrapper.metatype as Type;
    const prototype = controller.prototype as Record<string, RouteHandler>;
    return scanner
      .getAllMethodNames(prototype)
      .filter((name) => Reflect.getMetadata(PATH_METADATA, prototype[name]) !== undefined)
      .map((name) => ({ controller, handler: prototype[name], name }));
  });
}

/** The answers a protected route can give besides its own, as the guards give them. */
function documentAnswers(route: RouteAuth, target: object, name: string, handler: RouteHandler) {
  const descriptor = { value: handler };
  ApiUnauthorizedResponse({ description: 'No valid access token (RFC 6750 challenge)' })(
    target,
    name,
    descriptor,
  );
  ApiServiceUnavailableResponse({
    description: "The authority's keys cannot be had now; retry after Retry-After",
  })(target, name, descriptor);
  if (route.scopes) {
    ApiForbiddenResponse({
      description: 'insufficient_scope: the token lacks a scope the security requirement lists',
    })(target, name, descriptor);
  }
}

/**
 * Runs `build` while every route handler is, on its own controller, a stand-in that carries the
 * handler's metadata plus that route's lock (security requirements with the exact scopes the
 * guards enforce, from `RouteAuthMetadata`, and the 401 / 403 / 503 answers); public routes get no
 * requirement. Swagger reads a handler's metadata from the function, and a handler inherited by
 * two controllers is one function: writing onto it would document one route with the other's
 * rules. The handlers themselves are left as they were.
 */
function withRouteSecurity<T>(app: INestApplication, build: () => T): T {
  const routes = app.get(RouteAuthMetadata);
  const restore: (() => void)[] = [];
  for (const { controller, handler, name } of routeHandlers(app)) {
    const route = routes.forRoute(controller, handler);
    const prototype = controller.prototype as Record<string, RouteHandler>;
    const own = Object.getOwnPropertyDescriptor(prototype, name);
    const standIn = function (this: unknown, ...args: unknown[]): unknown {
      return (handler as (...a: unknown[]) => unknown).apply(this, args);
    };
    Object.defineProperty(standIn, 'name', { value: name });
    for (const key of Reflect.getMetadataKeys(handler) as unknown[]) {
      Reflect.defineMetadata(key, Reflect.getMetadata(key, handler), standIn);
    }
    Reflect.defineMetadata(DECORATORS.API_SECURITY, securityRequirements(route), standIn);
    if (!route.isPublic) documentAnswers(route, prototype, name, standIn);
    Object.defineProperty(prototype, name, { value: standIn, configurable: true, writable: true });
    restore.push(() =>
      own ? Object.defineProperty(prototype, name, own) : delete prototype[name],
    );
  }
  try {
    return build();
  } finally {
    for (const undo of restore.reverse()) undo();
  }
}

/** Builds the OpenAPI 3 document: one `openIdConnect` scheme pointing at the authority. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const auth = app.get<ResolvedAuthOptions>(AUTH_OPTIONS);
  const config = new DocumentBuilder()
    .setTitle('Messages API')
    .setDescription(
      `Protected by OAuth 2.0 access tokens from ${auth.authority} (audience ${auth.audience.join(', ')}). ` +
        'Each operation lists the scopes it needs; Authorize gets a token with client_credentials.',
    )
    .setVersion('1.0')
    .addSecurity(SECURITY_SCHEME, {
      type: 'openIdConnect',
      openIdConnectUrl: discoveryUrl(auth),
      description: 'Access tokens (RFC 9068 JWT) from the configured authority',
    })
    .build();
  const document = withRouteSecurity(app, () => SwaggerModule.createDocument(app, config));
  labelLockedOperations(document);
  return document;
}

/**
 * Public operations say `security: []` outright; protected ones get what they need appended to
 * their summary, so the UI shows it at a glance.
 */
function labelLockedOperations(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const) {
      const operation = item[method];
      if (!operation) continue;
      operation.security ??= [];
      if (operation.security.length === 0) continue;
      const needs = `Needs ${describeRequirements(operation.security)}`;
      operation.summary = operation.summary ? `${operation.summary} · ${needs}` : needs;
    }
  }
}

/**
 * Serves Swagger UI at `/docs` and the document at `/docs-json`, both public (they are not Nest
 * routes, so the global guards never see them), on Express and Fastify alike.
 */
export function setupOpenApi(app: INestApplication, options: OpenApiOptions = {}): OpenAPIObject {
  const document = createOpenApiDocument(app);
  SwaggerModule.setup(DOCS_PATH, app, document, {
    jsonDocumentUrl: DOCS_JSON_PATH,
    raw: ['json'],
    ui: false,
  });
  serveSwaggerUi(app, {
    path: DOCS_PATH,
    documentUrl: `/${DOCS_JSON_PATH}`,
    title: document.info.title,
    initOAuth: options.oauthClient,
  });
  return document;
}
