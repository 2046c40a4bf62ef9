import type { INestApplication, LoggerService, ModuleMetadata } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { AuthModule } from '../auth.module.js';
import type { AuthModuleOptions } from '../auth-options.interface.js';
import { Authorities } from '../keys/authorities.js';
import { claimsWithRoles } from './role-claims.js';
import { TestAuthority, type Claims } from './test-authority.js';

/** A supertest client whose every request carries one bearer token (or none). */
export type BearerClient = Record<Method, (url: string) => request.Test>;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

type Importable = NonNullable<ModuleMetadata['imports']>[number];

/** An app under test, protected by `AuthModule` against a loopback authority. */
export interface TestApp {
  readonly app: INestApplication;
  readonly server: Server;
  readonly authority: TestAuthority;
  /** `http://127.0.0.1:<port>` when started with `listen: true`. */
  readonly url?: string;
  /** Requests with a fresh, valid token carrying exactly these scopes. */
  as(...scopes: string[]): BearerClient;
  /**
   * Requests with a fresh, valid token (default scopes) carrying exactly these roles in the
   * configured `rolesClaim`, shaped as the provider would send them (see `claimsWithRoles`).
   */
  withRoles(...roles: string[]): BearerClient;
  /** Requests with a fresh, valid token with these claims (see `TestAuthority.mint`). */
  withClaims(claims: Claims): BearerClient;
  /** Requests with this exact token, e.g. `api.withToken(api.authority.bad.expired())`. */
  withToken(token: string): BearerClient;
  /** Requests with no credentials at all. */
  anonymous(): BearerClient;
  close(): Promise<void>;
}

export interface TestAppOptions extends ModuleMetadata {
  /** `AuthModule` options on top of the test authority's (audience, clock skew...). */
  auth?: Partial<AuthModuleOptions>;
  /** Trust this authority instead of starting a new one (then `close` leaves it running). */
  authority?: TestAuthority;
  /**
   * Your whole app instead of `controllers`/`providers`/`imports`: given the `AuthModule` options
   * that point at the test authority, a module that imports `AuthModule` with them itself.
   */
  module?: (auth: AuthModuleOptions) => Importable;
  /** The HTTP platform, e.g. `new FastifyAdapter()`. Default: Express. */
  httpAdapter?: AbstractHttpAdapter;
  /** What your `main.ts` does to the app before it starts (pipes, helmet, OpenAPI...). */
  setup?: (app: INestApplication) => unknown;
  /** The app's logger (after `setup`). Default: silent. */
  logger?: LoggerService;
  /** Replaces providers before the module compiles. */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /** Also listen on 127.0.0.1 on a free port, for raw HTTP (`url`). Default: no port. */
  listen?: boolean;
  /**
   * Wait until the authority's metadata and keys are held (default true), so fetch counts start
   * from a known state; `false` tests a cold start.
   */
  warm?: boolean;
}

function compile(options: TestAppOptions, auth: AuthModuleOptions) {
  const { controllers, providers, exports, imports = [], module } = options;
  const builder = Test.createTestingModule({
    controllers,
    providers,
    exports,
    imports: module ? [module(auth)] : [AuthModule.forRoot(auth), ...imports],
  });
  return (options.override?.(builder) ?? builder).compile();
}

async function start(options: TestAppOptions, authority: TestAuthority): Promise<INestApplication> {
  const moduleRef = await compile(options, { ...authority.moduleOptions, ...options.auth });
  const app = options.httpAdapter
    ? moduleRef.createNestApplication(options.httpAdapter, { logger: false })
    : moduleRef.createNestApplication({ logger: false });
  try {
    await options.setup?.(app);
    if (options.logger) app.useLogger(options.logger);
    if (options.listen) await app.listen(0, '127.0.0.1');
    else await app.init();
    if (app.getHttpAdapter().getType() === 'fastify') {
      await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
    }
    if (options.warm !== false) await app.get(Authorities).check();
    return app;
  } catch (error) {
    await app.close();
    throw error;
  }
}

function clientOf(server: Server) {
  return (authorization?: string): BearerClient => {
    const send = (method: Method) => (url: string) => {
      const test = request(server)[method](url);
      return authorization ? test.set('Authorization', authorization) : test;
    };
    return {
      get: send('get'),
      post: send('post'),
      put: send('put'),
      patch: send('patch'),
      delete: send('delete'),
    };
  };
}

/**
 * Starts a Nest app protected by `AuthModule` exactly as in production (global guards, RFC 6750
 * filter), against a loopback test authority: your controllers, or your whole app (`module`).
 *
 * @example
 * ```ts
 * const api = await startTestApp({ controllers: [ReportsController] });
 * await api.as('reports:read').get('/reports').expect(200);
 * expect(await api.anonymous().get('/reports')).toBeUnauthorized();
 * await api.close();
 * ```
 */
export function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const starting: Promise<TestApp> = startApp(options).then((api) => {
    let closing: Promise<void> | undefined;
    return {
      ...api,
      close: () => {
        unclosed.delete(starting);
        return (closing ??= api.close());
      },
    };
  });
  unclosed.add(starting);
  starting.catch(() => unclosed.delete(starting));
  return starting;
}

/** Apps started (or still starting) and not closed yet. */
const unclosed = new Set<Promise<TestApp>>();

/**
 * Closes every app `startTestApp` started that was not closed, waiting for those still starting:
 * an app whose start outlived its `beforeAll` would otherwise keep Jest from exiting. The kit's
 * Jest setup file runs it after each test file; returns how many it closed.
 */
export async function closeUnclosedTestApps(): Promise<number> {
  const pending = [...unclosed];
  unclosed.clear();
  const started = await Promise.allSettled(pending);
  const apps = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  await Promise.allSettled(apps.map((api) => api.close()));
  return apps.length;
}

async function startApp(options: TestAppOptions): Promise<TestApp> {
  const authority = options.authority ?? (await TestAuthority.start());
  const closeAuthority = () => (options.authority ? Promise.resolve() : authority.close());
  const app = await start(options, authority).catch(async (error: unknown) => {
    await closeAuthority();
    throw error;
  });
  const server = app.getHttpServer() as Server;
  const client = clientOf(server);
  return {
    app,
    server,
    authority,
    url: options.listen ? `http://127.0.0.1:${(server.address() as AddressInfo).port}` : undefined,
    as: (...scopes) => client(`Bearer ${authority.mint({ scope: scopes.join(' ') })}`),
    withRoles: (...roles) =>
      client(`Bearer ${authority.mint(claimsWithRoles(roles, options.auth?.rolesClaim))}`),
    withClaims: (claims) => client(`Bearer ${authority.mint(claims)}`),
    withToken: (token) => client(`Bearer ${token}`),
    anonymous: () => client(),
    async close() {
      await app.close();
      await closeAuthority();
    },
  };
}
