import type { INestApplication, Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import {
  ApiExtension,
  ApiForbiddenResponse,
  ApiResponse,
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
  type NameRequirement,
  type ResolvedAuthOptions,
  type RouteAuth,
} from '../auth/index.js';
import { serveSwaggerUi } from './swagger-ui.js';
import {
  SECURITY_SCHEME,
  describeRequirements,
  describeRoles,
  forbiddenDescription,
  securityRequirements,
} from './route-security.js';

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

/**
 * The answers a protected route can give besides its own, as the guards give them. A 403 the
 * controller documents itself (a check on the loaded resource) is kept, after the guards' causes.
 */
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
  const causes = forbiddenDescription(route);
  if (!causes) return;
  // Swagger joins two descriptions of one status; the guards' causes come first.
  const { '403': own, ...others } = (Reflect.getMetadata(DECORATORS.API_RESPONSE, handler) ??
    {}) as Record<string, object | undefined>;
  Reflect.defineMetadata(DECORATORS.API_RESPONSE, others, handler);
  ApiForbiddenResponse({ description: causes })(target, name, descriptor);
  if (own) ApiResponse({ ...own, status: 403 })(target, name, descriptor);
}

/** `x-roles` and `x-policies` (each with what it requires) beside the security requirement. */
function documentRules(
  route: RouteAuth,
  policies: ResolvedAuthOptions['policies'],
  handler: RouteHandler,
) {
  const descriptor = { value: handler };
  if (route.roles) {
    const { all, anyOf } = route.roles;
    ApiExtension('x-roles', { all, anyOf })(handler, handler.name, descriptor);
  }
  if (route.policies) {
    const described = route.policies.map((name) => ({
      name,
      requires: policies.get(name)?.requires,
    }));
    ApiExtension('x-policies', described)(handler, handler.name, descriptor);
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
  const { policies } = app.get<ResolvedAuthOptions>(AUTH_OPTIONS);
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
    documentRules(route, policies, standIn);
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
      `Protected by OAuth 2.0 access tokens from ${auth.authorities.join(', ')} (audience ${auth.audience.join(', ')}). ` +
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

type DocumentedOperation = NonNullable<OpenAPIObject['paths'][string]['get']> & {
  'x-roles'?: NameRequirement;
  'x-policies'?: { name: string }[];
};

/** What an operation needs, for its summary: its scopes, roles and policies. */
function needsOf(operation: DocumentedOperation): string {
  const security = operation.security ?? [];
  const roles = operation['x-roles'];
  const policies = operation['x-policies'];
  const needs = [
    roles && `role ${describeRoles(roles)}`,
    policies && `policy ${policies.map((p) => p.name).join(' + ')}`,
  ].filter((need): need is string => typeof need === 'string');
  // "Any valid access token" says nothing more once a role or a policy is named.
  const scoped = security.some((r) => Object.values(r).flat().length > 0);
  if (scoped || needs.length === 0) needs.unshift(describeRequirements(security));
  return `Needs ${needs.join(' · ')}`;
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
      const needs = needsOf(operation);
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
