import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import {
  AuthorizationService,
  CurrentPrincipal,
  Roles,
  Scopes,
  policy,
  type Principal,
} from '../src/auth/index.js';
import { TestAuthority, startTestApp, type TestApp } from '../src/auth/testing/index.js';
import type { HttpAdapterName } from '../src/config/http.settings.js';
import { MetricsModule } from '../src/metrics/metrics.module.js';
import { scraper, type Meters } from './support/meters.js';

const AUTHZ = 'auth_authorizations_total';
const LOOKUPS = 'auth_token_cache_lookups_total';
const INTROSPECTIONS = 'auth_introspections_total';

const POLICIES = {
  'reports.owner': policy<{ owner: string }>().requireAssertion(
    ({ principal, resource }) => principal.sub === resource?.owner,
  ),
};

@Controller('reports')
class ReportsController {
  constructor(private readonly authorization: AuthorizationService) {}

  @Scopes('reports:read')
  @Roles('reports.admin')
  @Get('admin')
  admin() {
    return 'admin';
  }

  /** A resource check in the handler, as a service would make it. */
  @Get('own')
  async own(@CurrentPrincipal() principal: Principal) {
    await this.authorization.ensure(principal, { owner: 'alice' }, 'reports.owner');
    return 'own';
  }
}

/**
 * `MetricsModule` in an app of one's own (the kit's `startTestApp`): role decisions, resource
 * checks, the cache switched off.
 */
describe.each<[HttpAdapterName]>([['express'], ['fastify']])('MetricsModule on %s', (adapter) => {
  let api: TestApp;
  let scrape: () => Promise<Meters>;

  beforeAll(async () => {
    api = await startTestApp({
      imports: [MetricsModule],
      controllers: [ReportsController],
      auth: {
        tokenCacheSize: 0,
        policies: POLICIES,
      },
      httpAdapter: adapter === 'fastify' ? new FastifyAdapter() : undefined,
    });
    scrape = scraper(api);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it('counts role and policy decisions by result', async () => {
    const before = await scrape();
    expect((await api.withClaims({ scope: 'reports:read' }).get('/reports/admin')).status).toBe(
      403,
    );
    const admin = api.withClaims({ scope: 'reports:read', roles: ['reports.admin'] });
    expect((await admin.get('/reports/admin')).status).toBe(200);
    expect((await api.withClaims({ sub: 'alice' }).get('/reports/own')).status).toBe(200);
    expect((await api.withClaims({ sub: 'bob' }).get('/reports/own')).status).toBe(403);
    const after = await scrape();
    const moved = (labels: Record<string, string>) =>
      after.value(AUTHZ, labels) - before.value(AUTHZ, labels);
    expect(moved({ result: 'forbidden', requirement: 'role' })).toBe(1);
    expect(moved({ result: 'allowed', requirement: 'role' })).toBe(1);
    expect(moved({ result: 'allowed', requirement: 'policy' })).toBe(1);
    expect(moved({ result: 'forbidden', requirement: 'policy' })).toBe(1);
  });

  it('counts no cache lookup while the cache is off', async () => {
    await scrape();
    const meters = await scrape();
    expect(meters.value(LOOKUPS)).toBe(0);
    expect(meters.value('auth_authentications_total', { result: 'success' })).toBeGreaterThan(1);
  });
});

/**
 * Introspections by outcome, with the kit authority's real RFC 7662 endpoint: each call counted
 * once (the cache is off, so every request asks), an inactive answer is also an authentication
 * failure `token_inactive`, and the endpoint's bad day is `failure` (and `authority_unavailable`).
 */
describe.each<[HttpAdapterName]>([['express'], ['fastify']])(
  'introspection meters on %s',
  (adapter) => {
    let authority: TestAuthority;
    let api: TestApp;
    let scrape: () => Promise<Meters>;

    beforeAll(async () => {
      authority = await TestAuthority.start();
      api = await startTestApp({
        authority,
        imports: [MetricsModule],
        controllers: [ReportsController],
        auth: { ...authority.introspectionOptions(), tokenCacheSize: 0, policies: POLICIES },
        httpAdapter: adapter === 'fastify' ? new FastifyAdapter() : undefined,
      });
      scrape = scraper(api);
    }, 60_000);
    afterAll(async () => {
      await api?.close();
      await authority?.close();
    });

    it('counts each call by outcome, and an inactive token as a token_inactive failure', async () => {
      const active = authority.mintOpaque({ sub: 'alice' });
      const revoked = authority.mintOpaque({ sub: 'alice' });
      authority.revoke(revoked);
      const before = await scrape();
      const calls = authority.introspections;
      expect((await api.withToken(active).get('/reports/own')).status).toBe(200);
      expect((await api.withToken(active).get('/reports/own')).status).toBe(200);
      expect(await api.withToken(revoked).get('/reports/own')).toBeUnauthorized('invalid_token');
      authority.introspection = 'down';
      expect(await api.withToken(active).get('/reports/own')).toBeAuthorityUnavailable();
      authority.introspection = 'ok';
      const after = await scrape();
      const moved = (name: string, labels: Record<string, string>) =>
        after.value(name, labels) - before.value(name, labels);
      expect(authority.introspections - calls).toBe(4);
      expect([
        moved(INTROSPECTIONS, { outcome: 'active' }),
        moved(INTROSPECTIONS, { outcome: 'inactive' }),
        moved(INTROSPECTIONS, { outcome: 'failure' }),
      ]).toEqual([2, 1, 1]);
      const failures = (reason: string) =>
        moved('auth_authentications_total', { result: 'failure', reason });
      expect([failures('token_inactive'), failures('authority_unavailable')]).toEqual([1, 1]);
    });
  },
);
