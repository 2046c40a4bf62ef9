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
export function routeHandlers(
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

/**
 * Writes each route's lock from the metadata the guards enforce (`RouteAuthMetadata`), just before
 * the document is generated: security requirements with the exact scopes, and the 401 / 403 / 503
 * answers. Public routes get no requirement. Developers never repeat scopes for the docs.
 */
function documentRouteSecurity(app: INestApplication): void {
  const routes = app.get(RouteAuthMetadata);
  for (const { controller, handler, name } of routeHandlers(app)) {
    const route = routes.forRoute(controller, handler);
    Reflect.defineMetadata(DECORATORS.API_SECURITY, securityRequirements(route), handler);
    if (route.isPublic) continue;
    const descriptor = { value: handler };
    ApiUnauthorizedResponse({ description: 'No valid access token (RFC 6750 challenge)' })(
      controller.prototype as object,
      name,
      descriptor,
    );
    ApiServiceUnavailableResponse({
      description: "The authority's keys cannot be had now; retry after Retry-After",
    })(controller.prototype as object, name, descriptor);
    if (route.scopes) {
      ApiForbiddenResponse({
        description: 'insufficient_scope: the token lacks a scope the security requirement lists',
      })(controller.prototype as object, name, descriptor);
    }
  }
}

/** Builds the OpenAPI 3 document: one `openIdConnect` scheme pointing at the authority. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const auth = app.get<ResolvedAuthOptions>(AUTH_OPTIONS);
  documentRouteSecurity(app);
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
  const document = SwaggerModule.createDocument(app, config);
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
