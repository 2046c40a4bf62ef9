import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Server } from 'node:http';
import request from 'supertest';
import { AuthModule } from '../auth.module.js';
import type { AuthModuleOptions } from '../auth-options.interface.js';
import { TestAuthority, type Claims } from './test-authority.js';

/** A supertest client whose every request carries one bearer token (or none). */
export type BearerClient = Record<Method, (url: string) => request.Test>;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** An app under test, protected by `AuthModule` against its own loopback authority. */
export interface TestApp {
  readonly app: INestApplication;
  readonly server: Server;
  readonly authority: TestAuthority;
  /** Requests with a fresh, valid token carrying exactly these scopes. */
  as(...scopes: string[]): BearerClient;
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
  /** Serve from this authority instead of starting a new one (it is not closed by `close`). */
  authority?: TestAuthority;
}

/**
 * Starts a Nest app made of these controllers, providers and imports, protected by `AuthModule`
 * exactly as in production (global guards, RFC 6750 filter), against a loopback test authority.
 * To test a whole `AppModule` that already imports `AuthModule`, use `useTestAuthority` instead.
 *
 * @example
 * ```ts
 * const api = await startTestApp({ controllers: [ReportsController] });
 * await api.as('reports:read').get('/reports').expect(200);
 * expect(await api.anonymous().get('/reports')).toBeUnauthorized();
 * await api.close();
 * ```
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const { auth, authority: given, imports = [], ...metadata } = options;
  const authority = given ?? (await TestAuthority.start());
  const moduleRef = await Test.createTestingModule({
    ...metadata,
    imports: [AuthModule.forRoot({ ...authority.moduleOptions, ...auth }), ...imports],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  const server = app.getHttpServer() as Server;

  const client = (authorization?: string): BearerClient => {
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

  return {
    app,
    server,
    authority,
    as: (...scopes) => client(`Bearer ${authority.mint({ scope: scopes.join(' ') })}`),
    withClaims: (claims) => client(`Bearer ${authority.mint(claims)}`),
    withToken: (token) => client(`Bearer ${token}`),
    anonymous: () => client(),
    async close() {
      await app.close();
      if (!given) await authority.close();
    },
  };
}
