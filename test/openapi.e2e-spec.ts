import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Delete, Get, Post, type INestApplication, type Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { Server } from 'node:http';
import request from 'supertest';
import {
  AnyRole,
  AnyScope,
  AuthModule,
  type AuthModuleOptions,
  Policy,
  Public,
  Roles,
  RouteAuthMetadata,
  Scopes,
  policy,
} from '../src/auth/index.js';
import { TestAuthority } from '../src/auth/testing/index.js';
import { setupOpenApi } from '../src/openapi/openapi.setup.js';
import { startApi } from './support/test-api.js';

type Requirement = Record<string, string[]>;
interface Operation {
  operationId: string;
  summary?: string;
  security?: Requirement[];
  responses: Record<string, { description?: string }>;
  'x-roles'?: unknown;
  'x-policies'?: unknown;
}
interface DocumentedRoute {
  method: string;
  path: string;
  operation: Operation;
}

/** Every operation of the document, with its method and a callable path. */
function operations(document: OpenAPIObject): DocumentedRoute[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>).map(([method, operation]) => ({
      method,
      path: path.replace(/\{[^}]+\}/g, 'no-such-id'),
      operation,
    })),
  );
}

/** Scopes of each alternative, sorted, so two descriptions of one rule compare equal. */
const normalized = (security: Requirement[] | undefined) =>
  (security ?? []).map((r) => Object.values(r).flat().sort()).sort();

/**
 * What the guards enforce, read the guards' way: the controllers found by `DiscoveryService`, each
 * route handler's `RouteAuthMetadata` (the reader `JwtAuthGuard` and `ScopesGuard` call). Keyed by
 * swagger's default operationId, `<Controller>_<method>`.
 */
function enforcedRules(app: INestApplication) {
  const routes = app.get(RouteAuthMetadata);
  const scanner = new MetadataScanner();
  const rules = new Map<string, ReturnType<RouteAuthMetadata['forRoute']>>();
  for (const wrapper of new DiscoveryService(app.get(ModulesContainer)).getControllers()) {
    const controller = wrapper.metatype as Type;
    const prototype = controller.prototype as Record<string, () => unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      if (Reflect.getMetadata(PATH_METADATA, prototype[name]) === undefined) continue;
      rules.set(`${controller.name}_${name}`, routes.forRoute(controller, prototype[name]));
    }
  }
  return rules;
}

/** The guard's rule as OpenAPI alternatives: `all` plus one scope of each `anyOf` group. */
function expectedAlternatives(rule: ReturnType<RouteAuthMetadata['forRoute']>): string[][] {
  if (rule.isPublic) return [];
  let alternatives: string[][] = [[...(rule.scopes?.all ?? [])]];
  for (const group of rule.scopes?.anyOf ?? []) {
    alternatives = alternatives.flatMap((picked) => group.map((s) => [...picked, s]));
  }
  return normalized(alternatives.map((scopes) => ({ oidc: [...new Set(scopes)] })));
}

function subsets(scopes: string[]): string[][] {
  return scopes.reduce<string[][]>((all, s) => [...all, ...all.map((set) => [...set, s])], [[]]);
}

/** `controllers` under `AuthModule` (with `options`) and their OpenAPI document, for one describe. */
function appWithDocument(controllers: Type[], options: Partial<AuthModuleOptions> = {}) {
  const fixture = {} as {
    authority: TestAuthority;
    app: INestApplication;
    server: Server;
    document: OpenAPIObject;
  };
  beforeAll(async () => {
    fixture.authority = await TestAuthority.start();
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ ...fixture.authority.moduleOptions, ...options })],
      controllers,
    }).compile();
    fixture.app = moduleRef.createNestApplication({ logger: false });
    fixture.document = setupOpenApi(fixture.app);
    await fixture.app.init();
    fixture.server = fixture.app.getHttpServer() as Server;
  });
  afterAll(async () => {
    await fixture.app?.close();
    await fixture.authority?.close();
  });
  return fixture;
}

/**
 * The document checked twice against the guards: statically (each operation's requirement equals
 * `RouteAuthMetadata`, the guards' reader) and by behaviour (for every combination of the scopes
 * an operation names, the guard lets a token through exactly when the document says it should).
 */
function checkDocumentAgainstGuards(
  context: () => { app: INestApplication; server: Server; document: OpenAPIObject },
  authority: () => TestAuthority,
) {
  it('documents every route the guards protect, and nothing else', () => {
    const { app, document } = context();
    const documented = operations(document).map((r) => r.operation.operationId);
    expect(documented.length).toBeGreaterThan(0);
    expect(documented.sort()).toEqual([...enforcedRules(app).keys()].sort());
  });

  it('lists exactly the scopes the guards enforce, and no requirement on public routes', () => {
    const { app, document } = context();
    const rules = enforcedRules(app);
    const checked = new Set<string>();
    for (const { operation } of operations(document)) {
      const rule = rules.get(operation.operationId);
      expect({ id: operation.operationId, security: normalized(operation.security) }).toEqual({
        id: operation.operationId,
        security: expectedAlternatives(rule!),
      });
      checked.add(operation.operationId);
    }
    expect(checked.size).toBeGreaterThan(0);
    expect(checked.size).toBe(rules.size);
  });

  it('documents 401 on every protected operation and 403 wherever scopes are needed', () => {
    const { document } = context();
    const counted = { protected: 0, scoped: 0 };
    for (const { operation } of operations(document)) {
      const security = operation.security ?? [];
      if (security.length > 0) counted.protected++;
      if (normalized(security).some((scopes) => scopes.length > 0)) counted.scoped++;
      const codes = Object.keys(operation.responses);
      expect({ id: operation.operationId, has401: codes.includes('401') }).toEqual({
        id: operation.operationId,
        has401: security.length > 0,
      });
      if (normalized(security).some((scopes) => scopes.length > 0)) expect(codes).toContain('403');
    }
    expect(counted.protected).toBeGreaterThan(0);
    expect(counted.scoped).toBeGreaterThan(0);
  });

  it('lets a token through exactly when the documented requirement is met', async () => {
    const { server, document } = context();
    const counted = { operations: 0, refused: 0, let: 0 };
    for (const { method, path, operation } of operations(document)) {
      counted.operations++;
      const security = normalized(operation.security);
      const call = () => request(server)[method as 'get'](path);
      if (security.length === 0) {
        expect({ path, status: (await call()).status }).not.toMatchObject({ status: 401 });
        continue;
      }
      expect(await call()).toBeUnauthorized();
      for (const granted of subsets([...new Set(security.flat())])) {
        const token = authority().mint({ scope: granted.join(' ') });
        const status = (await call().set('Authorization', `Bearer ${token}`)).status;
        const met = security.some((scopes) => scopes.every((s) => granted.includes(s)));
        expect({ method, path, granted, refused: status === 403 || status === 401 }).toEqual({
          method,
          path,
          granted,
          refused: !met,
        });
        counted[met ? 'let' : 'refused']++;
      }
    }
    expect(counted.operations).toBeGreaterThan(0);
    expect(counted.refused).toBeGreaterThan(0);
    expect(counted.let).toBeGreaterThan(0);
  });
}

describe('OpenAPI document of the app (/docs, /docs-json)', () => {
  let authority: TestAuthority;
  let app: INestApplication;
  let server: Server;
  let document: OpenAPIObject;

  beforeAll(async () => {
    authority = await TestAuthority.start();
    ({ app, server } = await startApi({ authority }));
    document = (await request(server).get('/docs-json').expect(200)).body as OpenAPIObject;
  });
  afterAll(async () => {
    await app?.close();
    await authority?.close();
  });

  it('serves Swagger UI and the document without a token', async () => {
    const ui = await request(server).get('/docs').expect(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
    expect(ui.text).toContain('swagger-ui');
    for (const asset of ['/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css']) {
      await request(server).get(asset).expect(200);
    }
    const init = await request(server).get('/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toContain('"/docs-json"');
    expect(init.text).not.toContain('initOAuth'); // only the development authority pre-fills it
    expect(document.openapi).toMatch(/^3\./);
  });

  it("declares one openIdConnect scheme at the authority's discovery document", () => {
    expect(document.components?.securitySchemes).toEqual({
      oidc: expect.objectContaining({
        type: 'openIdConnect',
        openIdConnectUrl: `${authority.issuer}/.well-known/openid-configuration`,
      }),
    });
  });

  it('documents the contract routes with the contract scopes', () => {
    const security = Object.fromEntries(
      operations(document).map(({ method, path, operation }) => [
        `${method.toUpperCase()} ${path}`,
        operation.security ?? [],
      ]),
    );
    expect(security).toEqual({
      'GET /health': [],
      'GET /health/ready': [],
      'GET /api/me': [{ oidc: [] }],
      'GET /api/messages': [{ oidc: ['messages:read'] }],
      'GET /api/messages/no-such-id': [{ oidc: ['messages:read'] }],
      'POST /api/messages': [{ oidc: ['messages:write'] }],
      'DELETE /api/messages/no-such-id': [{ oidc: ['messages:write'] }],
      'GET /metrics': [{ oidc: ['metrics:read'] }],
    });
  });

  it('documents the delete rule on the loaded message beside the scope', () => {
    const remove = operations(document).find(
      (r) => r.method === 'delete' && r.path === '/api/messages/no-such-id',
    )!.operation;
    expect(remove.responses['403'].description?.split(/; or |\n\n/)).toEqual([
      expect.stringMatching(/^insufficient_scope: /),
      'Forbidden, no challenge: policy messages.delete not met',
    ]);
  });

  checkDocumentAgainstGuards(
    () => ({ app, server, document }),
    () => authority,
  );
});

@Scopes('fixture:read')
@Controller('fixture')
class FixtureController {
  @Get()
  list() {
    return [];
  }

  @Post()
  @Scopes('fixture:write')
  create() {
    return {};
  }

  @Delete()
  @AnyScope('fixture:admin', 'fixture:owner')
  remove() {
    return {};
  }
}

@Controller('fixture/open')
class OpenFixtureController {
  @Get()
  @Public()
  open() {
    return {};
  }

  @Get('locked')
  locked() {
    return {};
  }
}

@Controller('any')
class AnyTokenController {
  @Get()
  @AnyScope('a', 'b')
  @AnyScope('c', 'd')
  both() {
    return {};
  }

  @Get('plain')
  plain() {
    return {};
  }
}

/** One handler, inherited by three controllers with different class-level rules. */
class Listing {
  @Get()
  list() {
    return [];
  }
}

@Scopes('alpha:read')
@Controller('alpha')
class AlphaController extends Listing {}

@Scopes('beta:read')
@Controller('beta')
class BetaController extends Listing {}

@Public()
@Controller('gamma')
class GammaController extends Listing {}

describe('OpenAPI for class + handler @Scopes, @AnyScope groups and @Public handlers', () => {
  const fixture = appWithDocument([
    FixtureController,
    OpenFixtureController,
    AnyTokenController,
    AlphaController,
    BetaController,
    GammaController,
  ]);

  it('adds handler scopes to class scopes and lists @AnyScope choices as alternatives', () => {
    const byId = Object.fromEntries(
      operations(fixture.document).map(({ operation }) => [
        operation.operationId,
        normalized(operation.security),
      ]),
    );
    expect(byId).toEqual({
      FixtureController_list: [['fixture:read']],
      FixtureController_create: [['fixture:read', 'fixture:write']],
      FixtureController_remove: [
        ['fixture:admin', 'fixture:read'],
        ['fixture:owner', 'fixture:read'],
      ],
      OpenFixtureController_open: [],
      OpenFixtureController_locked: [[]],
      AnyTokenController_both: [
        ['a', 'c'],
        ['a', 'd'],
        ['b', 'c'],
        ['b', 'd'],
      ],
      AnyTokenController_plain: [[]],
      AlphaController_list: [['alpha:read']],
      BetaController_list: [['beta:read']],
      GammaController_list: [],
    });
  });

  it('documents a handler shared through a base class with each controller own rules', () => {
    const responses = (id: string) =>
      Object.keys(
        operations(fixture.document).find((r) => r.operation.operationId === id)!.operation
          .responses,
      );
    expect(responses('AlphaController_list')).toEqual(expect.arrayContaining(['401', '403']));
    expect(responses('BetaController_list')).toEqual(expect.arrayContaining(['401', '403']));
    expect(responses('GammaController_list')).not.toContain('401');
    expect(responses('GammaController_list')).not.toContain('403');
  });

  it('leaves the handlers themselves as they were', () => {
    const handler = Object.getOwnPropertyDescriptor(Listing.prototype, 'list')?.value as object;
    expect(Reflect.getMetadata(PATH_METADATA, handler)).toBe('/');
    expect(Reflect.getMetadata('swagger/apiSecurity', handler)).toBeUndefined();
    expect(Reflect.getMetadata('swagger/apiResponse', handler)).toBeUndefined();
    expect(Object.getOwnPropertyNames(AlphaController.prototype)).toEqual(['constructor']);
  });

  checkDocumentAgainstGuards(
    () => fixture,
    () => fixture.authority,
  );
});

const POLICIES = {
  'reports.export': policy().requireAnyRole('auditor', 'admin').requireClaim('tid', 't1'),
  mfa: policy().requireClaim('amr', 'mfa'),
};

@Roles('staff')
@Controller('reports')
class RolesFixtureController {
  @Get()
  list() {
    return [];
  }

  @Get('export')
  @Scopes('reports:read')
  @AnyRole('auditor', 'admin')
  @Policy('reports.export')
  @Policy('mfa')
  export() {
    return [];
  }
}

@Controller('policy-only')
class PolicyOnlyController {
  @Get()
  @Policy('mfa')
  get() {
    return {};
  }
}

describe('OpenAPI for @Roles, @AnyRole and @Policy', () => {
  const fixture = appWithDocument([RolesFixtureController, PolicyOnlyController], {
    policies: POLICIES,
  });
  const operation = (id: string) =>
    operations(fixture.document).find((r) => r.operation.operationId === id)!.operation;

  it('lists each route roles (x-roles) and policies with what they require (x-policies)', () => {
    const routes = fixture.app.get(RouteAuthMetadata);
    const handler = Object.getOwnPropertyDescriptor(RolesFixtureController.prototype, 'export')
      ?.value as () => unknown;
    const enforced = routes.forRoute(RolesFixtureController, handler);
    expect(operation('RolesFixtureController_export')['x-roles']).toEqual({
      all: enforced.roles?.all,
      anyOf: enforced.roles?.anyOf,
    });
    expect(operation('RolesFixtureController_export')['x-roles']).toEqual({
      all: ['staff'],
      anyOf: [['auditor', 'admin']],
    });
    expect(operation('RolesFixtureController_export')['x-policies']).toEqual([
      { name: 'reports.export', requires: POLICIES['reports.export'].requires },
      { name: 'mfa', requires: 'the claim amr with the value mfa' },
    ]);
    expect(operation('RolesFixtureController_list')['x-policies']).toBeUndefined();
    expect(operation('PolicyOnlyController_get')['x-roles']).toBeUndefined();
  });

  it('says what each operation needs in its summary', () => {
    expect(operation('RolesFixtureController_list').summary).toBe('Needs role staff');
    expect(operation('RolesFixtureController_export').summary).toBe(
      'Needs scope reports:read · role staff + (auditor or admin) · policy reports.export + mfa',
    );
    expect(operation('PolicyOnlyController_get').summary).toBe('Needs policy mfa');
  });

  it('documents the plain 403 of a role or a policy', () => {
    expect(operation('RolesFixtureController_list').responses['403'].description).toMatch(
      /^Forbidden, no challenge: the token lacks a role that x-roles lists$/,
    );
    expect(operation('PolicyOnlyController_get').responses['403'].description).toMatch(
      /x-policies/,
    );
  });

  it('lets a token through exactly when it holds the documented roles', async () => {
    const call = (roles: string[]) =>
      request(fixture.server)
        .get('/reports')
        .set('Authorization', `Bearer ${fixture.authority.mint({ roles })}`);
    expect((await call(['staff'])).status).toBe(200);
    expect(await call(['auditor'])).toBeForbidden('staff');
  });
});
