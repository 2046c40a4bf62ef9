import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Global, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Server } from 'node:http';
import request from 'supertest';
import { AUTH_OBSERVER, AuthModule, Roles, Scopes, type AuthObserver } from '../src/auth/index.js';
import { TestAuthority } from '../src/auth/testing/index.js';

@Controller('things')
class ThingsController {
  @Scopes('things:read')
  @Get()
  list() {
    return ['a'];
  }

  @Scopes('things:read')
  @Roles('things.admin')
  @Get('admin')
  admin() {
    return 'admin';
  }
}

/** Records every call, as a metrics module would count them. */
class RecordingObserver implements AuthObserver {
  readonly calls: unknown[][] = [];
  authenticated(cached: boolean) {
    this.calls.push(['authenticated', cached]);
  }
  refused(reason: string, status: number) {
    this.calls.push(['refused', reason, status]);
  }
  authorized(result: string, requirement: string) {
    this.calls.push(['authorized', result, requirement]);
  }
  keySetFetched(outcome: string, authority: string) {
    this.calls.push(['keySetFetched', outcome, authority]);
  }
}

const observer = new RecordingObserver();

@Global()
@Module({ providers: [{ provide: AUTH_OBSERVER, useValue: observer }], exports: [AUTH_OBSERVER] })
class MetricsModule {}

/**
 * An app's `AuthObserver` sees authentications (cached or not), authorization decisions by kind of
 * requirement, refusals and key set fetches (by authority).
 */
describe('AUTH_OBSERVER', () => {
  let authority: TestAuthority;
  let app: INestApplication;
  let server: Server;

  beforeAll(async () => {
    authority = await TestAuthority.start();
    const moduleRef = await Test.createTestingModule({
      imports: [MetricsModule, AuthModule.forRoot(authority.moduleOptions)],
      controllers: [ThingsController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    server = app.getHttpServer() as Server;
  });
  afterAll(async () => {
    await app?.close();
    await authority?.close();
  });

  it('is told of each outcome, with the reason codes of the logs', async () => {
    const token = authority.mint({ scope: 'things:read' });
    const get = (authorization?: string) => {
      const test = request(server).get('/things');
      return authorization ? test.set('Authorization', authorization) : test;
    };
    expect((await get(`Bearer ${token}`)).status).toBe(200);
    expect((await get(`Bearer ${token}`)).status).toBe(200);
    expect((await get(`Bearer ${authority.bad.expired()}`)).status).toBe(401);
    expect((await get()).status).toBe(401);
    expect((await get(`Bearer ${authority.mint({ scope: 'other' })}`)).status).toBe(403);
    const admin = request(server).get('/things/admin').set('Authorization', `Bearer ${token}`);
    expect((await admin).status).toBe(403);

    expect(observer.calls.filter((c) => c[0] !== 'keySetFetched')).toEqual([
      ['authenticated', false],
      ['authorized', 'allowed', 'scope'],
      ['authenticated', true],
      ['authorized', 'allowed', 'scope'],
      ['refused', 'expired', 401],
      ['refused', 'missing_credentials', 401],
      ['authenticated', false],
      ['authorized', 'forbidden', 'scope'],
      ['refused', 'insufficient_scope', 403],
      ['authenticated', true],
      ['authorized', 'allowed', 'scope'],
      ['authorized', 'forbidden', 'role'],
      ['refused', 'missing_role', 403],
    ]);
    expect(observer.calls).toContainEqual(['keySetFetched', 'success', authority.issuer]);
  });
});
