import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import {
  AUTH_OBSERVER,
  AuthorizationService,
  CurrentPrincipal,
  Roles,
  Scopes,
  policy,
  type AuthObserver,
  type Principal,
} from '../src/auth/index.js';
import { startTestApp, type TestApp } from '../src/auth/testing/index.js';
import type { HttpAdapterName } from '../src/config/http.settings.js';
import { MetricsModule } from '../src/metrics/metrics.module.js';
import { scraper, type Meters } from './support/meters.js';

const AUTHZ = 'auth_authorizations_total';
const LOOKUPS = 'auth_token_cache_lookups_total';
const INTROSPECTIONS = 'auth_introspections_total';

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
 * checks, the cache switched off, and introspection outcomes as the introspection helper reports
 * them through `AUTH_OBSERVER`.
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
        policies: {
          'reports.owner': policy<{ owner: string }>().requireAssertion(
            ({ principal, resource }) => principal.sub === resource?.owner,
          ),
        },
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

  it('counts introspections by outcome, as the introspection helper reports them', async () => {
    const observer = api.app.get<AuthObserver>(AUTH_OBSERVER);
    const before = await scrape();
    observer.introspected?.('active');
    observer.introspected?.('active');
    observer.introspected?.('inactive');
    observer.introspected?.('failure');
    const after = await scrape();
    const moved = (outcome: string) =>
      after.value(INTROSPECTIONS, { outcome }) - before.value(INTROSPECTIONS, { outcome });
    expect([moved('active'), moved('inactive'), moved('failure')]).toEqual([2, 1, 1]);
  });
});
